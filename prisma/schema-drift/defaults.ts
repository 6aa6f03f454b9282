/**
 * Column defaults compared across both sides: PostgreSQL's stored default expressions parsed (casts stripped,
 * literals and arrays unquoted) into the terms of the expected ones, matched, and described for messages.
 */
import type { DbColumn } from './database';
import type { ExpectedDefault } from './expected-schema';

/** A timestamp default as an ISO instant (UTC when it names no zone), so both sides spell it alike. */
export function canonicalTimestamp(text: string): string {
  const hasZone = /(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/.test(text);
  const time = Date.parse(hasZone ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

const SQL_IDENTIFIER = '(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)';
const BUILT_IN_TYPE = '[a-z_][a-z0-9_ ]*?(?:\\([0-9, ]*\\))?(?: with(?:out)? time zone)?';
/** A trailing `::type`, `::"Enum"` or `::schema."Enum"` (schema off the search_path), with `[]`s. */
const TRAILING_CAST = new RegExp(`::(?:${SQL_IDENTIFIER}\\.${SQL_IDENTIFIER}|"(?:[^"]|"")+"|${BUILT_IN_TYPE})(?:\\[\\])*$`, 'i');

/**
 * Strips `::type` casts that PostgreSQL appends to stored defaults, e.g.
 * `'agent'::"Role"`, `'[]'::jsonb`, `'x'::character varying`, `ARRAY[]::text[]`,
 * `'2020-01-01 00:00:00'::timestamp without time zone`.
 */
function stripCasts(expression: string): string {
  let text = expression.trim();
  for (;;) {
    const unwrapped = unwrapParentheses(text);
    const next = unwrapped.replace(TRAILING_CAST, '').trim();
    if (next === text) return text;
    text = next;
  }
}

function unwrapParentheses(text: string): string {
  let current = text;
  while (current.startsWith('(') && current.endsWith(')') && balanced(current.slice(1, -1))) {
    current = current.slice(1, -1).trim();
  }
  return current;
}

/** Positions of the characters outside '…' literals ('' escapes a quote), and whether every literal is closed. */
function outsideLiterals(text: string): { positions: number[]; closed: boolean } {
  const positions: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "'") {
        if (text[i + 1] === "'") i++;
        else inString = false;
      }
      continue;
    }
    if (ch === "'") inString = true;
    else positions.push(i);
  }
  return { positions, closed: !inString };
}

function balanced(text: string): boolean {
  const { positions, closed } = outsideLiterals(text);
  let depth = 0;
  for (const i of positions) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth < 0) return false;
  }
  return depth === 0 && closed;
}

/** `'it''s'` → `it's`; `E'\\x41'`-style strings are returned with escapes as stored. */
function unquoteLiteral(text: string): string | null {
  const match = /^E?'((?:[^']|'')*)'$/s.exec(text);
  return match?.[1] !== undefined ? match[1].replace(/''/g, "'") : null;
}

/** Splits `a, 'b,c', d` on top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (const i of outsideLiterals(text).positions) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last.length > 0) parts.push(last);
  return parts;
}

/** Parses the text form of a PostgreSQL array literal, e.g. `{a,"b c",NULL}`. */
function parseArrayLiteral(text: string): string[] | null {
  if (!text.startsWith('{') || !text.endsWith('}')) return null;
  const body = text.slice(1, -1);
  if (body.length === 0) return [];
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (quoted) {
      if (ch === '\\') current += body[++i] ?? '';
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items;
}

/** A database default in the same terms as the expected one. */
type ParsedDefault = ExpectedDefault;

export function parseDatabaseDefault(expression: string | null, column: DbColumn): ParsedDefault {
  if (expression === null) return { kind: 'none' };
  const raw = expression.trim();
  if (/^nextval\(/i.test(raw)) return { kind: 'sequence' };
  const stripped = stripCasts(raw);
  if (/^(current_timestamp|now\(\)|current_timestamp\(\d+\)|localtimestamp)$/i.test(stripped)) return { kind: 'now' };

  if (column.isArray) {
    const arrayMatch = /^ARRAY\[(.*)\]$/is.exec(stripped);
    if (arrayMatch) {
      const items = splitTopLevel(arrayMatch[1] ?? '').map((item) => literalText(stripCasts(item)));
      return { kind: 'value', value: { list: true, items } };
    }
    const literal = unquoteLiteral(stripped);
    const items = literal === null ? null : parseArrayLiteral(literal);
    if (items) return { kind: 'value', value: { list: true, items } };
    return { kind: 'expression', sql: raw };
  }

  const literal = unquoteLiteral(stripped);
  if (literal !== null) {
    const text = column.baseTypeName.startsWith('timestamp') ? canonicalTimestamp(literal) : literal;
    return { kind: 'value', value: { list: false, text, json: false, numeric: false } };
  }
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(stripped) || /^(true|false)$/i.test(stripped)) {
    return { kind: 'value', value: { list: false, text: stripped.toLowerCase(), json: false, numeric: false } };
  }
  return { kind: 'expression', sql: raw };
}

function literalText(text: string): string {
  return unquoteLiteral(text) ?? text;
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(sortKeys(JSON.parse(a))) === JSON.stringify(sortKeys(JSON.parse(b)));
  } catch {
    return a === b;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

function normalizeSql(sql: string): string {
  return stripCasts(sql).replace(/\s+/g, ' ').replace(/"/g, '').toLowerCase();
}

export function defaultsMatch(expected: ExpectedDefault, actual: ParsedDefault, column: DbColumn): boolean {
  switch (expected.kind) {
    case 'none':
    case 'sequence':
    case 'now':
      return actual.kind === expected.kind;
    case 'expression': {
      // dbgenerated("...") is compared as PostgreSQL stores it where it can be parsed
      // (literals, now(), nextval), otherwise as whitespace- and quote-normalized text.
      const parsed = parseDatabaseDefault(expected.sql, column);
      if (parsed.kind !== 'expression') return defaultsMatch(parsed, actual, column);
      return actual.kind === 'expression' && normalizeSql(parsed.sql) === normalizeSql(actual.sql);
    }
    case 'value': {
      if (actual.kind !== 'value') return false;
      const want = expected.value;
      const got = actual.value;
      if (want.list || got.list) {
        return want.list && got.list && sameList(want.items, got.items);
      }
      if (want.json) return sameJson(want.text, got.text);
      if (want.numeric) return Number(want.text) === Number(got.text);
      return want.text === got.text;
    }
  }
}

export function describeExpected(expected: ExpectedDefault): string {
  switch (expected.kind) {
    case 'none':
      return 'no default';
    case 'sequence':
      return 'autoincrement() (a nextval sequence default)';
    case 'now':
      return 'now() (CURRENT_TIMESTAMP)';
    case 'expression':
      return `dbgenerated(${JSON.stringify(expected.sql)})`;
    case 'value':
      return expected.value.list
        ? `[${expected.value.items.map((v) => JSON.stringify(v)).join(', ')}]`
        : JSON.stringify(expected.value.text);
  }
}

export function describeParsed(actual: ParsedDefault): string {
  switch (actual.kind) {
    case 'none':
      return 'no default';
    case 'sequence':
      return 'a nextval sequence default';
    case 'now':
      return 'CURRENT_TIMESTAMP';
    case 'expression':
      return actual.sql;
    case 'value':
      return actual.value.list ? `[${actual.value.items.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(actual.value.text);
  }
}

export function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
