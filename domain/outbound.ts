/**
 * Outbound email, pure: what a reply or a forward says and to whom, decided before anything is sent.
 *
 * The envelope is stored on the outbox row and composed into MIME by the SMTP activity, so everything that
 * reaches a header line passes through here first: subjects and display names lose their line breaks and
 * control characters, and only the few extra headers mailroute itself sets are allowed at all.
 */
import type { OutboundAttachment } from './email';
import { renderTemplate, type TemplateData } from './templates';

export type { OutboundAttachment };

export interface OutboundEnvelope {
  from: { name: string; address: string };
  to: Array<{ name?: string; address: string }>;
  cc: Array<{ name?: string; address: string }>;
  /** Delivered (SMTP envelope only), never written into the message. Absent on rows written before Bcc existed. */
  bcc?: Array<{ name?: string; address: string }>;
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  headers: Record<string, string>;
  /** Absent on rows written before attachments existed. */
  attachments?: OutboundAttachment[];
}

/** The only extra header fields an outbound email may carry; anything else (List-*, Bcc, …) is refused. */
const ALLOWED_EXTRA_HEADERS = new Set(['x-mailroute-interaction', 'auto-submitted', 'x-auto-response-suppress']);

export class OutboundHeaderError extends Error {}

/** Text that goes into a header line: no CR, LF or other control characters, whatever the source. */
export function headerSafe(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** Throws unless every extra header is one mailroute sets itself and no value can break a header line. */
export function assertSafeExtraHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!ALLOWED_EXTRA_HEADERS.has(name.toLowerCase())) throw new OutboundHeaderError(`header ${name} may not be set on outbound email`);
    if (headerSafe(value) !== value) throw new OutboundHeaderError(`header ${name} contains a line break or control character`);
  }
}

interface ThreadMessage {
  direction: string;
  messageIdHeader: string | null;
  references: string[];
}

function address(entry: { name?: string | null; address: string }): { name?: string; address: string } {
  const name = entry.name ? headerSafe(entry.name) : '';
  return { ...(name ? { name } : {}), address: headerSafe(entry.address) };
}

function subjectWithPrefix(prefix: 'Re' | 'Fwd', subject: string): string {
  const clean = headerSafe(subject);
  return new RegExp(`^${prefix}:`, 'i').test(clean) ? clean : `${prefix}: ${clean}`;
}

type Recipient = { name?: string; address: string };

/** An address compared as mail servers deliver it: any case, and `name+tag@` delivered to `name@`. */
function mailboxOf(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  return `${lower.slice(0, at).split('+')[0]}@${lower.slice(at + 1)}`;
}

/**
 * Whether an address is the account's own: its address, or an alias of it — its IMAP or SMTP login when that is an
 * address, and the plus-addressed forms of either (`support+billing@` is `support@`). A reply-all never copies these.
 */
export function ownAddressMatcher(own: Array<string | null | undefined>): (address: string) => boolean {
  const mailboxes = new Set(own.filter((entry): entry is string => !!entry && entry.includes('@')).map(mailboxOf));
  return (address) => mailboxes.has(mailboxOf(address));
}

/**
 * Recipients as sent: names and addresses header-safe, each mailbox once across To, Cc and Bcc (To first, then Cc).
 */
export function distinctRecipients(input: { to: Recipient[]; cc: Recipient[]; bcc: Recipient[] }): {
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
} {
  const seen = new Set<string>();
  const keep = (list: Recipient[]) =>
    list.map(address).filter((entry) => {
      const key = entry.address.toLowerCase();
      if (key === '' || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return { to: keep(input.to), cc: keep(input.cc), bcc: keep(input.bcc) };
}

/**
 * Who a reply goes to before the agent edits it. Reply: the customer. Reply all: the customer, and in Cc everyone
 * else the customer's newest message was addressed to (its To and Cc), without the account's own addresses or
 * aliases, the customer, or anyone twice.
 */
export function replyRecipients(input: {
  customer: Recipient;
  lastInbound: { to: Recipient[]; cc: Recipient[] } | null;
  replyAll: boolean;
  isOwn: (address: string) => boolean;
}): { to: Recipient[]; cc: Recipient[] } {
  const to = [address(input.customer)];
  if (!input.replyAll || !input.lastInbound) return { to, cc: [] };
  const others = [...input.lastInbound.to, ...input.lastInbound.cc].filter((entry) => !input.isOwn(entry.address));
  const { cc } = distinctRecipients({ to, cc: others, bcc: [] });
  return { to, cc };
}

/** Addresses as stored on a message (JSON `[{ name?, address }]`), tolerating anything else as no address. */
export function storedRecipients(value: unknown): Recipient[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    const { name, address: mailbox } = (entry ?? {}) as { name?: unknown; address?: unknown };
    if (typeof mailbox !== 'string' || mailbox === '') return [];
    return [typeof name === 'string' && name !== '' ? { name, address: mailbox } : { address: mailbox }];
  });
}

/** The reply (or reply-all) recipients of an interaction as stored: the customer, and the newest customer message's others. */
export function interactionReplyRecipients(
  interaction: {
    customerEmail: string;
    customerName: string | null;
    account: { emailAddress: string; imapUsername: string | null; smtpUsername: string | null };
    messages: Array<{ direction: string; toAddresses: unknown; ccAddresses: unknown }>;
  },
  replyAll: boolean,
): { to: Recipient[]; cc: Recipient[] } {
  const { account } = interaction;
  const lastInbound = [...interaction.messages].reverse().find((message) => message.direction === 'inbound');
  return replyRecipients({
    customer: { ...(interaction.customerName ? { name: interaction.customerName } : {}), address: interaction.customerEmail },
    lastInbound: lastInbound ? { to: storedRecipients(lastInbound.toAddresses), cc: storedRecipients(lastInbound.ccAddresses) } : null,
    replyAll,
    isOwn: ownAddressMatcher([account.emailAddress, account.imapUsername, account.smtpUsername]),
  });
}

/**
 * A reply threads under the newest inbound message: In-Reply-To it, References its chain plus it, `Re:` once.
 * On an interaction the customer has not written in yet (an email an agent started), under the newest email sent;
 * the first email of all keeps its subject as written. Recipients default to the customer alone.
 */
export function buildReplyEnvelope(input: {
  account: { key: string; name: string; emailAddress: string };
  interaction: { id: number; subject: string; customerEmail: string; customerName: string | null };
  thread: ThreadMessage[];
  agentName: string | null;
  text: string;
  html?: string;
  messageIdHeader: string;
  attachments?: OutboundAttachment[];
  recipients?: { to: Recipient[]; cc: Recipient[]; bcc: Recipient[] };
}): OutboundEnvelope {
  const emails = input.thread.filter((message) => message.direction !== 'note' && message.messageIdHeader);
  const parent = [...emails].reverse().find((message) => message.direction === 'inbound') ?? emails.at(-1);
  const references = parent ? [...parent.references, parent.messageIdHeader!] : [];
  const firstEmail = !input.thread.some((message) => message.direction !== 'note');
  const recipients = distinctRecipients(
    input.recipients ?? {
      to: [{ name: input.interaction.customerName ?? undefined, address: input.interaction.customerEmail }],
      cc: [],
      bcc: [],
    },
  );
  return {
    from: address({ name: input.account.name, address: input.account.emailAddress }) as { name: string; address: string },
    to: recipients.to,
    cc: recipients.cc,
    ...(recipients.bcc.length > 0 ? { bcc: recipients.bcc } : {}),
    subject: firstEmail ? headerSafe(input.interaction.subject) : subjectWithPrefix('Re', input.interaction.subject),
    text: input.text,
    ...(input.html !== undefined ? { html: input.html } : {}),
    messageId: input.messageIdHeader,
    ...(parent ? { inReplyTo: parent.messageIdHeader! } : {}),
    references: [...new Set(references)],
    headers: { 'X-Mailroute-Interaction': `${input.account.key}-${input.interaction.id}` },
    attachments: input.attachments ?? [],
  };
}

/**
 * A forward goes to new recipients as a new conversation (no In-Reply-To), keeping References so our own
 * mailbox still threads it with the interaction.
 */
export function buildForwardEnvelope(input: {
  account: { key: string; name: string; emailAddress: string };
  interaction: { id: number; subject: string };
  thread: ThreadMessage[];
  to: Recipient[];
  cc: Recipient[];
  bcc?: Recipient[];
  text: string;
  html?: string;
  messageIdHeader: string;
  attachments: OutboundAttachment[];
}): OutboundEnvelope {
  const last = [...input.thread].reverse().find((message) => message.messageIdHeader);
  const recipients = distinctRecipients({ to: input.to, cc: input.cc, bcc: input.bcc ?? [] });
  return {
    from: address({ name: input.account.name, address: input.account.emailAddress }) as { name: string; address: string },
    to: recipients.to,
    cc: recipients.cc,
    ...(recipients.bcc.length > 0 ? { bcc: recipients.bcc } : {}),
    subject: subjectWithPrefix('Fwd', input.interaction.subject),
    text: input.text,
    ...(input.html !== undefined ? { html: input.html } : {}),
    messageId: input.messageIdHeader,
    references: last ? [...new Set([...last.references, last.messageIdHeader!])] : [],
    headers: { 'X-Mailroute-Interaction': `${input.account.key}-${input.interaction.id}` },
    attachments: input.attachments,
  };
}

/** The account's body template (seed: "a default body (font family, size and text) of all email messages"). */
export interface BodyTemplate {
  fontFamily?: string;
  fontSize?: number;
  color?: string;
  text?: string;
  logo?: { filename: string; contentType: string; sha256: string; size: number };
  /** Stored by older versions; never sent (a remote image reports the reading, and clients block it). */
  logoUrl?: string;
}

/**
 * The account's logo as an inline part of an email: the HTML shows it as `cid:<cid>`, so it travels with the email
 * instead of being fetched from a server when read. Named by its content, so a changed logo gets a new Content-ID.
 */
export function logoAttachment(template: BodyTemplate | null): OutboundAttachment | null {
  const logo = template?.logo;
  if (!logo) return null;
  return {
    filename: logo.filename,
    contentType: logo.contentType,
    sha256: logo.sha256,
    size: logo.size,
    cid: `logo-${logo.sha256.slice(0, 16)}@mailroute`,
  };
}

/** The placeholder of a body template where the agent's own words go; without it they come first. */
const MESSAGE_PLACEHOLDER = /\{\{\s*message\s*\}\}/;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>\n');
}

/** The quoted previous message a forward carries when "include message on forward" applies. */
export interface QuotedMessage {
  fromName: string | null;
  fromAddress: string | null;
  to: string[];
  subject: string;
  date: Date;
  text: string;
  /** Already sanitized HTML, when the message had an HTML part. */
  html: string | null;
}

function forwardedBlock(quoted: QuotedMessage): { text: string; html: string } {
  const from = quoted.fromName ? `${quoted.fromName} <${quoted.fromAddress ?? ''}>` : (quoted.fromAddress ?? '');
  const lines = [
    '---------- Forwarded message ---------',
    `From: ${from}`,
    `Date: ${quoted.date.toUTCString()}`,
    `Subject: ${quoted.subject}`,
    `To: ${quoted.to.join(', ')}`,
  ];
  return {
    text: `${lines.join('\n')}\n\n${quoted.text}`,
    html:
      `<div class="mailroute-forwarded">${lines.map(escapeHtml).join('<br>\n')}<br><br>\n` +
      `<blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${quoted.html ?? textToHtml(quoted.text)}</blockquote></div>`,
  };
}

/**
 * The body an agent sends: their words (with a canned answer, variables rendered), framed by the account's
 * body template (font, size, logo, text with `{{message}}` where the words go), then the forwarded message.
 * `agentHtml` must already be sanitized; without it the HTML part is made from the text.
 */
export function composeAgentBody(input: {
  agentText: string;
  agentHtml?: string;
  cannedAnswer: string | null;
  template: BodyTemplate | null;
  variables: TemplateData;
  forwarded: QuotedMessage | null;
}): { text: string; html: string } {
  const canned = input.cannedAnswer === null ? '' : renderTemplate(input.cannedAnswer, input.variables);
  const wordsText = [input.agentText.trim(), canned.trim()].filter((part) => part !== '').join('\n\n');
  const wordsHtml = [
    input.agentHtml ?? (input.agentText.trim() ? textToHtml(input.agentText.trim()) : ''),
    canned ? textToHtml(canned.trim()) : '',
  ]
    .filter((part) => part !== '')
    .join('<br><br>\n');

  let text = wordsText;
  let html = wordsHtml;
  const template = input.template?.text ?? '';
  if (template.trim() !== '') {
    if (MESSAGE_PLACEHOLDER.test(template)) {
      // Split before rendering: the rendered variables could not then pose as the placeholder.
      const [before, after] = template.split(MESSAGE_PLACEHOLDER, 2).map((part) => renderTemplate(part, input.variables)) as [
        string,
        string,
      ];
      text = `${before}${wordsText}${after}`;
      html = `${textToHtml(before)}${wordsHtml}${textToHtml(after)}`;
    } else {
      const rendered = renderTemplate(template, input.variables);
      text = `${wordsText}\n\n${rendered}`;
      html = `${wordsHtml}<br><br>\n${textToHtml(rendered)}`;
    }
  }
  if (input.forwarded) {
    const block = forwardedBlock(input.forwarded);
    text = `${text}\n\n${block.text}`;
    html = `${html}<br><br>\n${block.html}`;
  }
  const style = [
    input.template?.fontFamily ? `font-family:${cssValue(input.template.fontFamily)}` : '',
    input.template?.fontSize ? `font-size:${input.template.fontSize}px` : '',
    input.template?.color && /^#[0-9a-fA-F]{6}$/.test(input.template.color) ? `color:${input.template.color}` : '',
  ]
    .filter(Boolean)
    .join(';');
  const inline = logoAttachment(input.template);
  const logo = inline
    ? `<p><img src="cid:${escapeHtml(inline.cid!)}" alt="${escapeHtml(renderTemplate('{{account.name}}', input.variables))}" style="max-height:64px"></p>\n`
    : '';
  return { text, html: `<div${style ? ` style="${escapeHtml(style)}"` : ''}>\n${logo}${html}\n</div>` };
}

/** A CSS value from configuration that cannot leave its declaration. */
function cssValue(value: string): string {
  return value.replace(/[;{}<>"\\]/g, '');
}
