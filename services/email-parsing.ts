/**
 * Reading a raw inbound email with mailparser into the plain fields mailroute stores: addresses lower-cased,
 * Message-IDs in angle brackets, headers capped, and no NUL characters anywhere (PostgreSQL text cannot hold them).
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

export type { ParsedMail };

export class EmailParseError extends Error {}

export interface Address {
  name?: string;
  address: string;
}

export async function parseEmail(raw: Buffer): Promise<ParsedMail> {
  try {
    return await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
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
