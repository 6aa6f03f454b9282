/**
 * Reading a raw inbound email with mailparser into the plain fields mailroute stores: addresses lower-cased,
 * Message-IDs in angle brackets, headers capped, and no NUL characters anywhere (PostgreSQL text cannot hold them).
 */
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

export type { ParsedMail };

export class EmailParseError extends Error {}

export interface Address {
  name?: string;
  address: string;
}

/** An RFC 2047 encoded word in UTF-7 (with an optional RFC 2231 language), which mailparser leaves undecoded. */
const UTF7_WORD = /=\?(?:utf-?7|unicode-1-1-utf-7|x-unicode-2-0-utf-7)(?:\*[a-z-]+)?\?([qb])\?([^?\s]*)\?=/gi;

function utf7WordAsUtf8(_word: string, encoding: string, text: string): string {
  const bytes =
    encoding.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        );
  return `=?UTF-8?B?${Buffer.from(iconv.decode(bytes, 'utf-7'), 'utf8').toString('base64')}?=`;
}

/**
 * Header lines (the message's, and each MIME part's after its boundary) with their UTF-7 encoded words rewritten as
 * UTF-8 ones. Bodies are left alone: UTF-7 there is a known way to smuggle markup, and no client sends it.
 */
export function decodeUtf7Words(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  if (!/=\?[^?]*utf-?7/i.test(text)) return raw;
  const lines = text.split(/(?<=\n)/);
  let inHeader = true;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (inHeader) {
      if (line === '\r\n' || line === '\n') inHeader = false;
      else lines[index] = line.replace(UTF7_WORD, utf7WordAsUtf8);
    } else if (line.startsWith('--')) {
      inHeader = true;
    }
  }
  return Buffer.from(lines.join(''), 'latin1');
}

export async function parseEmail(raw: Buffer): Promise<ParsedMail> {
  try {
    return await simpleParser(decodeUtf7Words(raw), { skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
  } catch (error) {
    throw new EmailParseError((error as Error).message);
  }
}

export function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list
    .flatMap((entry) => entry.value)
    .flatMap((value) =>
      value.address
        ? [
            {
              ...(value.name ? { name: storable(value.name).slice(0, 998) } : {}),
              address: storable(value.address.toLowerCase()).slice(0, 998),
            },
          ]
        : [],
    );
}

/** PostgreSQL text and jsonb cannot hold NUL: hostile emails carry them in bodies and headers. */
export function storable(value: string): string;
export function storable(value: string | null): string | null;
export function storable(value: string | null): string | null {
  return value === null ? null : value.replace(/\u0000/g, '');
}

export function normaliseMessageId(value: string | undefined | null): string | null {
  const trimmed = value
    ?.replace(/\u0000/g, '')
    .trim()
    .slice(0, 998);
  if (!trimmed) return null;
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

export function referenceList(parsed: ParsedMail): string[] {
  const references = Array.isArray(parsed.references) ? parsed.references : parsed.references ? parsed.references.split(/\s+/) : [];
  return references.map(normaliseMessageId).filter((value): value is string => value !== null);
}

export function headerMap(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines ?? []) {
    const value = line.line.slice(line.line.indexOf(':') + 1).trim();
    if (!(line.key in headers)) headers[storable(line.key)] = storable(value.slice(0, 2048));
  }
  return headers;
}

/** `[KEY#123]` in a subject, or our own X-Mailroute-Interaction header, names the interaction. */
export function interactionHint(parsed: ParsedMail, accountKey: string): number | null {
  const header = parsed.headers.get('x-mailroute-interaction');
  const fromHeader = typeof header === 'string' ? header.match(/^([A-Za-z0-9]{1,5})-(\d+)$/) : null;
  if (fromHeader && fromHeader[1] === accountKey) return Number(fromHeader[2]);
  const fromSubject = (parsed.subject ?? '').match(/\[([A-Za-z0-9]{1,5})#(\d+)\]/);
  if (fromSubject && fromSubject[1] === accountKey) return Number(fromSubject[2]);
  return null;
}

/**
 * Header fields that servers add on the way (trace, authentication results, spam scores): two deliveries of one
 * email differ only in these, so they are left out of its content digest.
 */
const TRANSPORT_FIELDS =
  /^(received|x-received|return-path|delivered-to|x-delivered-to|x-original-to|envelope-to|authentication-results|received-spf|arc-[a-z-]+|x-spam-[a-z-]+|x-virus-[a-z-]+|x-ms-exchange-organization-[a-z-]+|x-forefront-[a-z-]+)$/i;

/**
 * What makes two emails the same one: the raw source without the fields servers add in transit. An email with a
 * Message-ID seen before is a duplicate only when this digest matches too; one with other content is another email.
 */
export function contentDigest(raw: Buffer): string {
  const text = raw.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  const headerEnd = split ? split.index : text.length;
  const body = split ? text.slice(headerEnd + split[0].length) : '';
  const fields = text
    .slice(0, headerEnd)
    .split(/\r?\n(?![ \t])/)
    .filter((field) => !TRANSPORT_FIELDS.test(field.slice(0, Math.max(0, field.indexOf(':'))).trim()))
    .map((field) => field.replace(/\r?\n[ \t]+/g, ' ').trimEnd());
  return createHash('sha256')
    .update(fields.join('\n'), 'latin1')
    .update('\n\n')
    .update(body.replace(/\r\n/g, '\n'), 'latin1')
    .digest('hex');
}
