/** Outbound email as agents ask for it: sandbox-safe shapes that travel from the API through the workflow. */

/** An attachment of an outbound email: the API stores its bytes as a blob first, so only the name travels. */
export interface OutboundAttachment {
  filename: string;
  contentType: string;
  sha256: string;
  size: number;
}

export interface EmailAddress {
  name?: string;
  address: string;
}

/** What the holding agent asks to send: their words, a canned answer, attachments (idempotent per requestId). */
export interface OutboundRequest {
  agentId: number;
  requestId: string;
  text: string;
  html?: string;
  cannedAnswerId?: number;
  attachments?: OutboundAttachment[];
}

/** A forward: the same, to new recipients, with the previous message when asked (or by the account's default). */
export interface ForwardRequest extends OutboundRequest {
  to: EmailAddress[];
  cc?: EmailAddress[];
  includePreviousMessage?: boolean;
}
