/** Field rules shared by every schema that names them (the API's request bodies, the action plan, stored shapes). */
import { z } from 'zod';

/** A database id: a positive 32-bit integer. */
export const dbId = z.number().int().positive().max(2147483647);

/** Seconds within a range, with a default. */
export const seconds = (fallback: number, min = 1, max = 2147483) => z.number().int().min(min).max(max).default(fallback);

/** Text that may reach a header line or an IMAP/SMTP command: no line breaks. */
export const noControlCharacters = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\r\n\0]*$/, 'must not contain line breaks');

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
