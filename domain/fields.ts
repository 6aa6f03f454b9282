/**
 * Field rules shared by every schema that names them (the API's request bodies, the action plan, stored shapes).
 * Each rule is stated where the OpenAPI document can show it (a pattern, a format): what a schema accepts is what
 * the document says it accepts.
 */
import { z } from 'zod';

/** A database id: a positive 32-bit integer. */
export const dbId = z.number().int().positive().max(2147483647);

/** Seconds within a range, with a default. */
export const seconds = (fallback: number, min = 1, max = 2147483) => z.number().int().min(min).max(max).default(fallback);

/** Line breaks (and NUL): what may never reach a header line or an IMAP/SMTP command. */
const LINE_SAFE = /^[^\r\n\0]*$/;

/** Text that may reach a header line or an IMAP/SMTP command: no line breaks. */
export const noControlCharacters = (max: number) => z.string().max(max).regex(LINE_SAFE, 'must not contain line breaks');

/** A name shown to people: trimmed, not blank (the pattern says so, since the length limits count before trimming). */
export const nonBlank = (max: number) => z.string().trim().min(1, 'must not be blank').max(max).meta({ pattern: '\\S' });

/** A name that may also reach a header line or an IMAP/SMTP command (an account's name, a mailbox). */
export const lineSafeName = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(max)
    .regex(LINE_SAFE, 'must not contain line breaks')
    .meta({ pattern: '^[^\\r\\n\\u0000]*\\S[^\\r\\n\\u0000]*$' });

/** An email address, as zod checks it (the document shows the pattern, so clients can check it too). */
export const emailAddress = (max = 254) => z.email().max(max).meta({ pattern: z.regexes.email.source });

/** An instant in ISO 8601 UTC (`2026-01-31T09:00:00Z`, fractions allowed). */
export const instant = () => z.iso.datetime().meta({ pattern: z.regexes.datetime({}).source });

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An IANA time zone name (`Europe/Rome`, `UTC`). Documented with the format `time-zone`: the names (and their aliases)
 * are the runtime's time zone database, which no pattern can list.
 */
export const timeZone = () =>
  z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone')
    .meta({ format: 'time-zone', description: 'an IANA time zone name, e.g. Europe/Rome' });
