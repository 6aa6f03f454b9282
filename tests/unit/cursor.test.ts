/** One cursor codec for every list: what it encodes it decodes, and a cursor it did not make is a 400 naming the field. */
import { keysetCursor, offsetCursor } from '../../api/cursor';

test('an offset cursor round-trips, and no cursor is the first page', () => {
  expect(offsetCursor.decode(offsetCursor.encode(150))).toBe(150);
  expect(offsetCursor.decode(undefined)).toBe(0);
});

test('a keyset cursor round-trips the sort value and the id', () => {
  expect(keysetCursor.decode(keysetCursor.encode('2024-05-01T10:00:00.000Z', 42))).toEqual(['2024-05-01T10:00:00.000Z', 42]);
  expect(keysetCursor.decode(keysetCursor.encode(7, 7), 'id')).toEqual([7, 7]);
});

test('a forged or foreign cursor is a 400 naming the field', () => {
  expect(() => offsetCursor.decode('bm9wZQ')).toThrow(expect.objectContaining({ status: 400 }));
  expect(() => offsetCursor.decode(keysetCursor.encode(1, 1))).toThrow(
    expect.objectContaining({ status: 400, problems: [{ field: 'query.cursor', reason: 'unknown cursor' }] }),
  );
  expect(() => keysetCursor.decode('not json')).toThrow(
    expect.objectContaining({ status: 400, problems: [{ field: 'cursor', reason: 'malformed cursor' }] }),
  );
  expect(() => keysetCursor.decode(offsetCursor.encode(3))).toThrow(expect.objectContaining({ status: 400 }));
});

test('a crafted keyset cursor is a 400 before the database sees it: an id beyond 32 bits, a value of another sort, an object', () => {
  const refused = (cursor: string, sort: 'id' | 'date') =>
    expect(() => keysetCursor.decode(cursor, sort)).toThrow(expect.objectContaining({ status: 400 }));
  refused(keysetCursor.encode('2024-05-01T10:00:00.000Z', 2 ** 31), 'date');
  refused(keysetCursor.encode(2 ** 31, 1), 'id');
  refused(keysetCursor.encode('2024-05-01T10:00:00.000Z', 1), 'id');
  refused(keysetCursor.encode(5, 5), 'date');
  refused(keysetCursor.encode('2024-02-30T10:00:00.000Z', 1), 'date');
  refused(Buffer.from(JSON.stringify([{ gt: 1 }, 1])).toString('base64url'), 'date');
  refused(Buffer.from(JSON.stringify(['2024-05-01T10:00:00.000Z', 1.5])).toString('base64url'), 'date');
});

test('an offset cursor of more than nine digits is refused, not read as a huge offset', () => {
  expect(() => offsetCursor.decode(Buffer.from('o1234567890').toString('base64url'))).toThrow(expect.objectContaining({ status: 400 }));
});
