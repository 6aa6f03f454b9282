/** One page of a list, as the API's list style chooses it (api/listing.ts): rows to skip, rows to take, the order. */
export interface PageWindow {
  skip: number;
  take: number;
  /** The sort field then id, so pages are stable. */
  orderBy: Record<string, 'asc' | 'desc'>[];
}

/** Case-insensitive "contains", the text filter of every list. */
export const contains = (text: string) => ({ contains: text, mode: 'insensitive' as const });
