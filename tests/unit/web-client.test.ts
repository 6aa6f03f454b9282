/** Pure parts of the web client: the live-event (SSE) parser and the advanced search builder's request. */
import { createEventParser } from '../../web/src/sse';
import { toSearchRequest } from '../../web/src/supervisor/search';

describe('web client: SSE parser', () => {
  it('yields whole events only, across chunk boundaries, skipping comments', () => {
    const parse = createEventParser();
    expect(parse(': connected\n\nid: 1\nevent: offer\nda')).toEqual([]);
    expect(parse('ta: {"offerId":3}\n\nevent: closed\r\ndata: {}\r\n\r\n')).toEqual([
      { id: '1', event: 'offer', data: '{"offerId":3}' },
      { event: 'closed', data: '{}' },
    ]);
  });

  it('joins multi-line data and defaults the event name to message', () => {
    expect(createEventParser()('data: a\ndata: b\n\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});

describe('web client: advanced search request', () => {
  it('keeps disabled conditions, types values by field, and leaves out the value of isEmpty', () => {
    const body = toSearchRequest(
      { accountId: 7, status: 'open', read: 'false', agentId: '3' },
      'any',
      [
        { key: 1, field: 'subject', operator: 'contains', value: ' late ', enabled: true },
        { key: 2, field: 'priority', operator: 'greaterThan', value: '5', enabled: false },
        { key: 3, field: 'id', operator: 'in', value: '1, 2,3', enabled: true },
        { key: 4, field: 'customerName', operator: 'isEmpty', value: 'ignored', enabled: true },
        { key: 5, field: 'read', operator: 'equals', value: 'true', enabled: true },
      ],
      { limit: 50, cursor: 'abc' },
    );
    expect(body).toEqual({
      accountId: 7,
      status: 'open',
      read: false,
      agentId: 3,
      match: 'any',
      conditions: [
        { field: 'subject', operator: 'contains', value: 'late', enabled: true },
        { field: 'priority', operator: 'greaterThan', value: 5, enabled: false },
        { field: 'id', operator: 'in', value: [1, 2, 3], enabled: true },
        { field: 'customerName', operator: 'isEmpty', enabled: true },
        { field: 'read', operator: 'equals', value: true, enabled: true },
      ],
      sort: 'createdAt',
      order: 'desc',
      limit: 50,
      cursor: 'abc',
    });
  });

  it('sends dates as ISO instants', () => {
    const body = toSearchRequest(
      { from: '2026-11-24T10:00' },
      'all',
      [{ key: 1, field: 'createdAt', operator: 'lessThan', value: '2026-11-24T12:30', enabled: true }],
      {
        limit: 10,
      },
    );
    expect(body.from).toBe(new Date('2026-11-24T10:00').toISOString());
    expect((body.conditions as Array<{ value: string }>)[0]!.value).toBe(new Date('2026-11-24T12:30').toISOString());
  });
});
