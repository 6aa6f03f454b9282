/**
 * The one place list cursors are made and read. Clients treat a cursor as opaque (base64url); inside it is either
 * an offset (the configuration lists: `?cursor=` of GET lists) or a keyset position `[sort value, id]` (the
 * interactions search, whose rows move while a supervisor pages). A cursor this API did not make — or made for
 * another sort — is a 400 naming the field, never a crash: what it decodes to is checked before the database sees it.
 */
import { INSTANT_PATTERN, INT32 } from '../domain/interaction-search';
import { AppError, z } from './http';

/** What every cursor looks like (the document shows it; what it decodes to is checked on decoding). */
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The `cursor` of a request: the `nextCursor` of the previous page. */
export const cursorSchema = z
  .string()
  .max(200)
  .regex(CURSOR_PATTERN, 'must be a nextCursor this API returned')
  .openapi({ description: 'nextCursor of the previous page (opaque); absent for the first page' });

function refuse(field: string, reason: string): AppError {
  return AppError.badRequest(`${field}: ${reason}`, [{ field, reason }]);
}

/** Position in a list sorted by a field then id: the next page starts after `offset` rows. */
export const offsetCursor = {
  encode(offset: number): string {
    return Buffer.from(`o${offset}`, 'utf8').toString('base64url');
  },

  /** The offset a cursor names (0 without one); `field` is how the client sent it (`query.cursor`). */
  decode(cursor: string | undefined, field = 'query.cursor'): number {
    if (cursor === undefined) return 0;
    const match = /^o(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!match) throw refuse(field, 'unknown cursor');
    return Number(match[1]);
  },
};

/** The last row of a page, as `[its sort value, its id]`: the next page holds the rows strictly after it. */
export type KeysetPosition = [value: string | number, id: number];

const isRowId = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= INT32.max;

export const keysetCursor = {
  encode(value: string | number, id: number): string {
    return Buffer.from(JSON.stringify([value, id])).toString('base64url');
  },

  /**
   * The position a cursor names for a list sorted by `sort` (`id`: the value is an id; otherwise an ISO instant).
   * `field` is how the client sent it (`cursor` in a search body).
   */
  decode(cursor: string, sort: 'id' | 'date' = 'date', field = 'cursor'): KeysetPosition {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw refuse(field, 'malformed cursor');
    }
    if (!Array.isArray(decoded) || decoded.length !== 2 || !isRowId(decoded[1])) throw refuse(field, 'malformed cursor');
    const [value, id] = decoded as [unknown, number];
    const fits = sort === 'id' ? isRowId(value) : typeof value === 'string' && INSTANT_PATTERN.test(value);
    if (!fits) throw refuse(field, 'not a cursor of this sort: page again from the first page');
    return [value as string | number, id];
  },
};
