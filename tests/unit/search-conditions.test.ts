/**
 * A search condition is checked against its field before anything reaches the database: the operator must apply
 * to the field, the value must be what its column holds (32-bit integers, ISO instants, open/closed), and a 400
 * names the part that is wrong (`conditions.0.operator`, `conditions.0.value`). Each case here was a 500 before.
 */
import { SEARCH_FIELDS, operatorsFor, type SearchField } from '../../domain/interaction-search';
import { interactionSearchSchema } from '../../api/schemas/interaction-search';
import { conditionToWhere, SearchConditionError } from '../../store/interaction-search';

function problems(body: unknown): Array<{ path: string; message: string }> {
  const parsed = interactionSearchSchema.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

const one = (condition: object) => problems({ conditions: [condition] });

test('greaterThan and lessThan on a boolean or the status are refused, naming the operator', () => {
  expect(one({ field: 'read', operator: 'greaterThan', value: true })).toEqual([
    { path: 'conditions.0.operator', message: 'greaterThan does not apply to read (it takes equals, notEquals)' },
  ]);
  expect(one({ field: 'status', operator: 'lessThan', value: 'open' })[0]?.path).toBe('conditions.0.operator');
});

test('isEmpty only on fields an interaction may leave empty', () => {
  for (const field of ['id', 'status', 'read', 'accountId', 'priority', 'createdAt', 'lastMessageAt'] as SearchField[])
    expect(one({ field, operator: 'isEmpty' })[0]?.path).toBe('conditions.0.operator');
  for (const field of ['subject', 'customerEmail', 'customerName', 'agentId', 'queueId', 'dispositionId', 'tags', 'closedAt'] as const)
    expect(one({ field, operator: 'isEmpty' })).toEqual([]);
});

test('a number beyond 32 bits, a date that is not an instant, a status other than open/closed: a 400 naming the value', () => {
  expect(one({ field: 'id', operator: 'equals', value: 2 ** 31 })).toEqual([
    { path: 'conditions.0.value', message: 'id needs an integer from -2147483648 to 2147483647' },
  ]);
  expect(one({ field: 'priority', operator: 'in', value: [1, 2 ** 31] })[0]?.path).toBe('conditions.0.value');
  expect(one({ field: 'priority', operator: 'greaterThan', value: 1.5 })[0]?.path).toBe('conditions.0.value');
  expect(one({ field: 'createdAt', operator: 'greaterThan', value: 'yesterday' })[0]?.path).toBe('conditions.0.value');
  expect(one({ field: 'createdAt', operator: 'lessThan', value: '2026-02-30T00:00:00Z' })[0]?.path).toBe('conditions.0.value');
  expect(one({ field: 'status', operator: 'equals', value: 'pending' })[0]?.path).toBe('conditions.0.value');
  expect(one({ field: 'subject', operator: 'in', value: [] })[0]?.path).toBe('conditions.0.value');
});

test('ids and numbers of the simple filters are 32-bit; a disabled condition is never checked', () => {
  expect(problems({ accountId: 2 ** 31 })[0]?.path).toBe('accountId');
  expect(problems({ agentId: 2 ** 31 })[0]?.path).toBe('agentId');
  expect(one({ field: 'read', operator: 'greaterThan', value: 'half-written', enabled: false })).toEqual([]);
});

test('every operator a field takes becomes a query, and the store refuses what the schema refuses', () => {
  const sample: Record<string, unknown> = {
    number: 7,
    text: 'x',
    enum: 'open',
    boolean: true,
    date: '2026-01-31T09:00:00Z',
    list: 'vip',
  };
  for (const field of Object.keys(SEARCH_FIELDS) as SearchField[]) {
    for (const operator of operatorsFor(field)) {
      const single = sample[SEARCH_FIELDS[field]];
      const value = operator === 'in' ? [single] : operator === 'isEmpty' ? undefined : single;
      expect(one({ field, operator, value })).toEqual([]);
      expect(() => conditionToWhere({ field, operator, value, enabled: true } as never, 0)).not.toThrow();
    }
  }
  expect(() => conditionToWhere({ field: 'read', operator: 'greaterThan', value: true, enabled: true }, 3)).toThrow(SearchConditionError);
});

test('isEmpty on a text column that is never null asks for the empty text only (a null test on it is no query)', () => {
  expect(conditionToWhere({ field: 'customerEmail', operator: 'isEmpty', enabled: true }, 0)).toEqual({ customerEmail: '' });
  expect(conditionToWhere({ field: 'subject', operator: 'isEmpty', enabled: true }, 0)).toEqual({ subject: '' });
  expect(conditionToWhere({ field: 'customerName', operator: 'isEmpty', enabled: true }, 0)).toEqual({
    OR: [{ customerName: null }, { customerName: '' }],
  });
});
