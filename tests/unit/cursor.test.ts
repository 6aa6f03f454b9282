/** One cursor codec for every list: what it encodes it decodes, and a cursor it did not make is a 400 naming the field. */
import { keysetCursor, offsetCursor } from '../../api/cursor';

test('an offset cursor round-trips, and no cursor is the first page', () => {
  expect(offsetCursor.decode(offsetCursor.encode(150))).toBe(150);
  expect(offsetCursor.decode(undefined)).toBe(0);
});

test('a keyset cursor round-trips the sort value and the id', () => {
  expect(keysetCursor.decode(keysetCursor.encode('2024-05-01T10:00:00.000Z', 42))).toEqual(['2024-05-01T10:00:00.000Z', 42]);
  expect(keysetCursor.decode(keysetCursor.encode(7, 7))).toEqual([7, 7]);
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
