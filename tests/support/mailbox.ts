/**
 * Test helpers that talk to a throwaway IMAP server (Dovecot, see scripts/services/dovecot, or Cyrus) over real IMAP
 * with imapflow, and build RFC 5322 messages to put into it.
 */
import { randomBytes } from 'node:crypto';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { DovecotHandle } from '../../scripts/services/dovecot';

/** Where an IMAP server listens: a Dovecot handle, a Cyrus handle or a test mail server. */
export type ImapEndpoint = Pick<DovecotHandle, 'host' | 'port'>;

export interface AppendEmailOptions {
  /** Default 'INBOX'. */
  mailbox?: string;
  /** IMAP flags, e.g. ['\\Seen']. */
  flags?: string[];
  /** INTERNALDATE; defaults to now. */
  internalDate?: Date;
}

export interface AppendedEmail {
  uid: number;
  uidValidity: bigint;
}

export interface ListedMessage {
  uid: number;
  flags: string[];
  subject: string | undefined;
  messageId: string | undefined;
  inReplyTo: string | undefined;
}

/** A connected-on-demand imapflow client for `user` on the handle's server, with logging off. */
export function createImapClient(h: ImapEndpoint, user: string, password: string, options: Partial<ImapFlowOptions> = {}): ImapFlow {
  return new ImapFlow({
    host: h.host,
    port: h.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass: password },
    logger: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    ...options,
  });
}

/** Connects, runs `work`, and always logs out (or closes the socket if LOGOUT fails). */
export async function withImapClient<T>(
  h: ImapEndpoint,
  user: string,
  password: string,
  work: (client: ImapFlow) => Promise<T>,
): Promise<T> {
  const client = createImapClient(h, user, password);
  // Errors after LOGOUT (e.g. the server restarting) must not become unhandled 'error' events.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** APPENDs a raw message and returns its UID and the mailbox's UIDVALIDITY (from UIDPLUS). */
export async function appendEmail(
  h: ImapEndpoint,
  user: string,
  password: string,
  rawRfc822: string | Buffer,
  options: AppendEmailOptions = {},
): Promise<AppendedEmail> {
  const mailbox = options.mailbox ?? 'INBOX';
  return withImapClient(h, user, password, async (client) => {
    const response = await client.append(mailbox, rawRfc822, options.flags ?? [], options.internalDate);
    if (!response || response.uid === undefined || response.uidValidity === undefined) {
      throw new Error(`APPEND to ${mailbox} for ${user} returned no APPENDUID (UIDPLUS): ${JSON.stringify(response)}`);
    }
    return { uid: response.uid, uidValidity: response.uidValidity };
  });
}

/** Every message of a mailbox (read-only, does not touch \Seen), in UID order. */
export async function listMessages(h: ImapEndpoint, user: string, password: string, mailbox = 'INBOX'): Promise<ListedMessage[]> {
  return withImapClient(h, user, password, async (client) => {
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      const messages = await client.fetchAll('1:*', { uid: true, flags: true, envelope: true });
      return messages
        .map((message) => ({
          uid: message.uid,
          // \Recent is per-session (and gone in IMAP4rev2): leave it out so results are stable.
          flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent').sort(),
          subject: message.envelope?.subject,
          messageId: message.envelope?.messageId,
          inReplyTo: message.envelope?.inReplyTo,
        }))
        .sort((a, b) => a.uid - b.uid);
    } finally {
      lock.release();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Building messages
// ---------------------------------------------------------------------------------------------

export interface BuildEmailOptions {
  /** e.g. 'Alice <alice@example.test>' */
  from: string;
  to: string | string[];
  cc?: string | string[];
  subject: string;
  text: string;
  html?: string;
  /** With or without angle brackets; a unique one is generated when omitted. */
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
  date?: Date;
  /** Extra header fields, added as given (values must be single-line). */
  headers?: Record<string, string>;
}

let messageIdCounter = 0;

/** A globally unique Message-ID, angle brackets included. */
export function uniqueMessageId(domain = 'mailroute.test'): string {
  messageIdCounter += 1;
  return `<${Date.now().toString(36)}.${process.pid}.${messageIdCounter}.${randomBytes(6).toString('hex')}@${domain}>`;
}

let mailUserCounter = 0;

/** A mail user name unique across jest workers and runs, e.g. 'agent-4711-3-9f2c1a'. */
export function uniqueMailUser(prefix: string): string {
  mailUserCounter += 1;
  const cleanPrefix =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'user';
  return `${cleanPrefix}-${process.pid}-${mailUserCounter}-${randomBytes(3).toString('hex')}`;
}

/**
 * An RFC 5322 message with CRLF line endings, Date, MIME-Version and a unique Message-ID by default.
 * text/plain, or multipart/alternative when `html` is given. Non-ASCII subjects and display names
 * are RFC 2047-encoded; non-ASCII bodies are sent base64-encoded.
 */
export function buildEmail(options: BuildEmailOptions): string {
  const header: string[] = [];
  const add = (name: string, value: string) => {
    if (/[\r\n]/.test(value) || /[\r\n:]/.test(name)) {
      throw new Error(`Header ${JSON.stringify(name)} must be a single line: ${JSON.stringify(value)}`);
    }
    header.push(`${name}: ${value}`);
  };
  const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

  add('From', encodeAddressList(list(options.from)));
  add('To', encodeAddressList(list(options.to)));
  if (options.cc !== undefined) add('Cc', encodeAddressList(list(options.cc)));
  add('Subject', encodeHeaderWords(options.subject));
  add('Date', formatRfc5322Date(options.date ?? new Date()));
  add('Message-ID', angleBracketed(options.messageId ?? uniqueMessageId()));
  if (options.inReplyTo !== undefined) add('In-Reply-To', angleBracketed(options.inReplyTo));
  if (options.references !== undefined) {
    add('References', list(options.references).map(angleBracketed).join(' '));
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) add(name, value);
  add('MIME-Version', '1.0');

  if (options.html === undefined) {
    const part = encodeTextBody(options.text);
    add('Content-Type', 'text/plain; charset=utf-8');
    add('Content-Transfer-Encoding', part.encoding);
    return `${header.join('\r\n')}\r\n\r\n${part.body}`;
  }

  const boundary = `=_mailroute_${randomBytes(12).toString('hex')}`;
  add('Content-Type', `multipart/alternative; boundary="${boundary}"`);
  const parts = [
    { type: 'text/plain; charset=utf-8', ...encodeTextBody(options.text) },
    { type: 'text/html; charset=utf-8', ...encodeTextBody(options.html) },
  ];
  const body = parts
    .map((part) => `--${boundary}\r\nContent-Type: ${part.type}\r\nContent-Transfer-Encoding: ${part.encoding}\r\n\r\n${part.body}`)
    .join('');
  return `${header.join('\r\n')}\r\n\r\n${body}--${boundary}--\r\n`;
}

function angleBracketed(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

function isPrintableAscii(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}

/** RFC 2047 encoded-word(s) for a header value that is not plain ASCII. */
function encodeHeaderWords(value: string): string {
  if (isPrintableAscii(value)) return value;
  // Split on whole code points so every encoded word stays valid UTF-8 and under 75 characters.
  const words: string[] = [];
  let chunk = '';
  for (const character of value) {
    if (Buffer.byteLength(chunk + character) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ');
}

/** Encodes non-ASCII display names in 'Name <address>' entries. */
function encodeAddressList(addresses: string[]): string {
  return addresses
    .map((address) => {
      const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(address);
      if (!match || isPrintableAscii(address)) return address.trim();
      const [, name = '', email = ''] = match;
      return `${encodeHeaderWords(name.replace(/^"(.*)"$/, '$1'))} <${email}>`;
    })
    .join(', ');
}

function encodeTextBody(text: string): { encoding: '7bit' | 'base64'; body: string } {
  const normalised = text.replace(/\r?\n/g, '\r\n');
  const withFinalNewline = normalised.endsWith('\r\n') ? normalised : `${normalised}\r\n`;
  const lines = withFinalNewline.split('\r\n');
  const fitsSevenBit = /^[\x09\x20-\x7e\r\n]*$/.test(withFinalNewline) && lines.every((line) => line.length <= 998);
  if (fitsSevenBit) return { encoding: '7bit', body: withFinalNewline };
  const base64 = Buffer.from(withFinalNewline, 'utf8').toString('base64');
  return { encoding: 'base64', body: `${base64.replace(/.{1,76}/g, '$&\r\n')}` };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** e.g. 'Mon, 24 Nov 2025 13:17:45 +0000' */
export function formatRfc5322Date(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${WEEKDAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
