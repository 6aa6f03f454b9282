/**
 * The one place list cursors are made and read. Clients treat a cursor as opaque (base64url); inside it is either
 * an offset (the configuration lists: `?cursor=` of GET lists) or a keyset position `[sort value, id]` (the
 * interactions search, whose rows move while a supervisor pages). A cursor this API did not make is a 400
 * naming the field, never a crash.
 */
import { AppError } from './http';

/** Position in a list sorted by a field then id: the next page starts after `offset` rows. */
export const offsetCursor = {
  encode(offset: number): string {
    return Buffer.from(`o${offset}`, 'utf8').toString('base64url');
  },

  /** The offset a cursor names (0 without one); `field` is how the client sent it (`query.cursor`). */
  decode(cursor: string | undefined, field = 'query.cursor'): number {
    if (cursor === undefined) return 0;
    const match = /^o(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!match) throw AppError.badRequest(`${field}: not a cursor from this API`, [{ field, reason: 'unknown cursor' }]);
    return Number(match[1]);
  },
};

/** The last row of a page, as `[its sort value, its id]`: the next page holds the rows strictly after it. */
export type KeysetPosition = [value: string | number, id: number];

export const keysetCursor = {
  encode(value: string | number, id: number): string {
    return Buffer.from(JSON.stringify([value, id])).toString('base64url');
  },

  /** `field` is how the client sent it (`cursor` in a search body). */
  decode(cursor: string, field = 'cursor'): KeysetPosition {
    try {
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[1] === 'number') return decoded as KeysetPosition;
    } catch {
      // not JSON: refused below like any other foreign cursor
    }
    throw AppError.badRequest(`${field} is not one this API returned`, [{ field, reason: 'malformed cursor' }]);
  },
};
