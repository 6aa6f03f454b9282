/** The one list style: pages by cursor, stable order (sort field, then id), a null cursor on the last page. */
import { listQuery, page } from '../../api/listing';

const rows = Array.from({ length: 7 }, (_, index) => ({ id: index + 1, name: `n${(index * 3) % 7}` }));

function fakeFind(args: { skip: number; take: number; orderBy: Record<string, 'asc' | 'desc'>[] }) {
  const sorted = [...rows].sort((a, b) => {
    for (const order of args.orderBy) {
      const [field, direction] = Object.entries(order)[0]!;
      const left = a[field as keyof typeof a];
      const right = b[field as keyof typeof b];
      if (left !== right) return (left < right ? -1 : 1) * (direction === 'asc' ? 1 : -1);
    }
    return 0;
  });
  return Promise.resolve(sorted.slice(args.skip, args.skip + args.take));
}

test('walking the cursors visits every row exactly once, in order', async () => {
  const query = listQuery(['id', 'name'] as const);
  const seen: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const params = query.parse({ limit: '3', sort: 'name', order: 'desc', ...(cursor ? { cursor } : {}) });
    const result = await page(params, fakeFind);
    seen.push(...result.items.map((row) => row.id));
    cursor = result.nextCursor ?? undefined;
    pages += 1;
  } while (cursor);
  expect(pages).toBe(3);
  expect(seen).toEqual([...rows].sort((a, b) => (a.name < b.name ? 1 : -1)).map((row) => row.id));
});

test('defaults, bounds and unknown parameters', () => {
  const query = listQuery(['id', 'name'] as const);
  expect(query.parse({})).toEqual({ limit: 50, sort: 'id', order: 'asc' });
  expect(query.safeParse({ limit: '0' }).success).toBe(false);
  expect(query.safeParse({ limit: '201' }).success).toBe(false);
  expect(query.safeParse({ sort: 'passwordHash' }).success).toBe(false);
  expect(query.safeParse({ colour: 'red' }).success).toBe(false);
});

test('a forged cursor is a 400, not a crash', async () => {
  await expect(page({ limit: 2, sort: 'id', order: 'asc', cursor: 'bm9wZQ' }, fakeFind)).rejects.toMatchObject({ status: 400 });
});
