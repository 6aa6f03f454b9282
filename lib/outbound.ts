import { createHash } from 'node:crypto';

export interface OutboundEnvelope {
  from: { name: string; address: string };
  to: Array<{ name?: string; address: string }>;
  cc: Array<{ name?: string; address: string }>;
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  headers: Record<string, string>;
}

/** Our Message-IDs are deterministic: the same outbound request always carries the same one. */
export function outboundMessageId(input: { accountEmail: string; interactionId: number; requestId: string }): string {
  const domain = input.accountEmail.split('@')[1] ?? 'mailroute.invalid';
  const digest = createHash('sha256').update(`${input.interactionId}:${input.requestId}`).digest('hex').slice(0, 24);
  return `<mailroute.${input.interactionId}.${digest}@${domain}>`;
}

/** A reply threads under the newest inbound message: In-Reply-To it, References its chain plus it. */
export function buildReplyEnvelope(input: {
  account: { key: string; name: string; emailAddress: string };
  interaction: { id: number; subject: string; customerEmail: string; customerName: string | null };
  thread: Array<{ direction: string; messageIdHeader: string | null; references: string[] }>;
  agentName: string | null;
  text: string;
  html?: string;
  messageIdHeader: string;
}): OutboundEnvelope {
  const lastInbound = [...input.thread].reverse().find((message) => message.direction === 'inbound' && message.messageIdHeader);
  const references = lastInbound ? [...lastInbound.references, lastInbound.messageIdHeader!] : [];
  const subject = /^re:/i.test(input.interaction.subject) ? input.interaction.subject : `Re: ${input.interaction.subject}`;
  return {
    from: { name: input.account.name, address: input.account.emailAddress },
    to: [{ ...(input.interaction.customerName ? { name: input.interaction.customerName } : {}), address: input.interaction.customerEmail }],
    cc: [],
    subject,
    text: input.text,
    ...(input.html !== undefined ? { html: input.html } : {}),
    messageId: input.messageIdHeader,
    ...(lastInbound ? { inReplyTo: lastInbound.messageIdHeader! } : {}),
    references: [...new Set(references)],
    headers: { 'X-Mailroute-Interaction': `${input.account.key}-${input.interaction.id}` },
  };
}
