/** Outbound email as agents ask for it: sandbox-safe shapes that travel from the API through the workflow. */

/** An attachment of an outbound email: the API stores its bytes as a blob first, so only the name travels. */
export interface OutboundAttachment {
  filename: string;
  contentType: string;
  sha256: string;
  size: number;
  /** An inline part the HTML shows as `cid:<cid>` (the account's logo); absent: an ordinary attachment. */
  cid?: string;
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

/**
 * A reply: to the customer, or with `replyAll` also to the other people the customer wrote to (their To and Cc,
 * without the account's own addresses). Recipients the agent edited replace those defaults; Bcc is delivered and
 * never written into the message.
 */
export interface ReplyRequest extends OutboundRequest {
  replyAll?: boolean;
  to?: EmailAddress[];
  cc?: EmailAddress[];
  bcc?: EmailAddress[];
}

/** A forward: the same, to new recipients, with the previous message when asked (or by the account's default). */
export interface ForwardRequest extends OutboundRequest {
  to: EmailAddress[];
  cc?: EmailAddress[];
  bcc?: EmailAddress[];
  includePreviousMessage?: boolean;
}
