/**
 * One list style for every collection: `?limit=&cursor=&sort=&order=` plus simple filters,
 * answered with `{ items, nextCursor }`. The cursor is opaque to clients (it encodes the position).
 */
import type { PageWindow } from '../store/paging';
import { cursorSchema, offsetCursor } from './cursor';
import { z } from './http';

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

/** The query schema of a list: paging and sorting, plus the list's own filters (all strings in a query). */
export function listQuery<Sort extends readonly [string, ...string[]], Filters extends z.ZodRawShape = Record<never, never>>(
  sortFields: Sort,
  filters: Filters = {} as Filters,
) {
  return z
    .object({
      limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
      cursor: cursorSchema.optional(),
      sort: z.enum(sortFields).default(sortFields[0]),
      order: z.enum(['asc', 'desc']).default('asc'),
      ...filters,
    })
    .strict();
}

/** Query-string booleans: `true` / `false` only. */
export const queryBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');
export const queryId = z.coerce.number().int().positive().max(2147483647);
export const queryText = z.string().min(1).max(200);

export interface ListParams {
  limit: number;
  cursor?: string;
  sort: string;
  order: 'asc' | 'desc';
}

/**
 * Runs one page through a repository's list: sorted by the chosen field then id (stable), one extra row
 * fetched to know whether a next page exists.
 */
export async function page<Row, Out = Row>(
  params: ListParams,
  find: (window: PageWindow) => Promise<Row[]>,
  present: (row: Row) => Out = (row) => row as unknown as Out,
): Promise<{ items: Out[]; nextCursor: string | null }> {
  const offset = offsetCursor.decode(params.cursor);
  const orderBy = params.sort === 'id' ? [{ id: params.order }] : [{ [params.sort]: params.order }, { id: params.order }];
  const rows = await find({ skip: offset, take: params.limit + 1, orderBy });
  const more = rows.length > params.limit;
  return { items: rows.slice(0, params.limit).map(present), nextCursor: more ? offsetCursor.encode(offset + params.limit) : null };
}

/** The response schema of a list of `item`. */
export function listResponse<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
