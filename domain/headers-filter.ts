/**
 * The IMAP headers filter of an account, in XCALLY's syntax: `name`, `name1,name2`, `name=VALUE`, mixed.
 * Names are case-insensitive (stored lower-case); values are case-sensitive.
 */
export interface HeaderFilterRule {
  name: string;
  value?: string;
}

const HEADER_NAME = /^[!-9;-~]+$/; // RFC 5322 field-name: printable ASCII except ':'

export class HeadersFilterError extends Error {}

/** One entry as parseHeadersFilter reads it: a header name, then optionally `=` and a value (trimmed, not empty). */
const ENTRY = String.raw`\s*[!-+\--9;<>-~]+\s*(?:=\s*[^\s,"\\](?:[^,"\\\r\n]*[^\s,"\\])?\s*)?`;

/** Exactly the texts parseHeadersFilter accepts, as a pattern a schema (and the API's document) can state. */
export const HEADERS_FILTER_PATTERN = new RegExp(`^(?:\\s*|${ENTRY}(?:,${ENTRY})*)$`);

export function parseHeadersFilter(text: string | null | undefined): HeaderFilterRule[] {
  if (text === null || text === undefined || text.trim() === '') return [];
  return text.split(',').map((entry, index) => {
    const trimmed = entry.trim();
    const equals = trimmed.indexOf('=');
    const name = (equals >= 0 ? trimmed.slice(0, equals) : trimmed).trim().toLowerCase();
    const value = equals >= 0 ? trimmed.slice(equals + 1).trim() : undefined;
    if (!HEADER_NAME.test(name)) throw new HeadersFilterError(`entry ${index + 1} ("${trimmed}") is not a header name`);
    if (value !== undefined && (value === '' || /[\r\n"\\]/.test(value))) {
      throw new HeadersFilterError(`entry ${index + 1} ("${trimmed}") has an empty or unsafe value`);
    }
    return value === undefined ? { name } : { name, value };
  });
}

export function formatHeadersFilter(rules: HeaderFilterRule[]): string {
  return rules.map((rule) => (rule.value === undefined ? rule.name : `${rule.name}=${rule.value}`)).join(',');
}

/** The IMAP SEARCH the filter becomes, as the seed's table prints it (with plain quotes). */
export function headersFilterToImapSearch(rules: HeaderFilterRule[]): string {
  return [
    'SEARCH UNSEEN',
    ...rules.map((rule) => (rule.value === undefined ? `HEADER "${rule.name}"` : `HEADER "${rule.name}" "${rule.value}"`)),
  ].join(' ');
}

/** The same criteria as an imapflow search object (`header: { name: value | true }` — true means "present"). */
export function headersFilterToImapflowQuery(rules: HeaderFilterRule[]): { header?: Record<string, string | boolean> } {
  if (rules.length === 0) return {};
  return { header: Object.fromEntries(rules.map((rule) => [rule.name, rule.value ?? true])) };
}

/** The unfolded, trimmed values of every header field called `name` (case-insensitive) in a raw message's header block. */
export function headerFieldValues(raw: Buffer | string, name: string): string[] {
  const text = typeof raw === 'string' ? raw : raw.subarray(0, Math.min(raw.length, 2 * 1024 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n[ \t]/g, ' ');
  const wanted = name.toLowerCase();
  return block.split(/\r?\n/).flatMap((line) => {
    const colon = line.indexOf(':');
    return colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted ? [line.slice(colon + 1).trim()] : [];
  });
}

/**
 * The seed's exact semantics, checked on the message itself: IMAP `SEARCH HEADER` is a case-insensitive
 * substring match, so the server's answer is only a pre-selection. A named header must be present; a value
 * must equal one of that header's values exactly (case-sensitive).
 */
export function messageMatchesHeadersFilter(rules: HeaderFilterRule[], raw: Buffer | string): boolean {
  return rules.every((rule) => {
    const values = headerFieldValues(raw, rule.name);
    return rule.value === undefined ? values.length > 0 : values.includes(rule.value);
  });
}
