/**
 * The vocabulary of the interactions search (XCALLY's advanced search): which fields a condition may test, how
 * each is typed, and the operators. Conditions are combined with all/any; a disabled one stays in the request (and
 * in the supervisor's form) but is ignored. The store turns them into a query; the API and the web build them.
 */
import type { SlaState, SlaTarget } from './sla';

export const SEARCH_FIELDS = {
  id: 'number',
  subject: 'text',
  customerEmail: 'text',
  customerName: 'text',
  status: 'enum',
  read: 'boolean',
  agentId: 'number',
  queueId: 'number',
  accountId: 'number',
  dispositionId: 'number',
  priority: 'number',
  tags: 'list',
  createdAt: 'date',
  closedAt: 'date',
  lastMessageAt: 'date',
} as const;

export type SearchField = keyof typeof SEARCH_FIELDS;

/**
 * The service-level filter: interactions with a target (any, or the one named) that is `breached` (missed, met late
 * or not at all), `at-risk` (warned, neither breached nor met), `met` (met in time) or `running` (neither met nor
 * breached yet, warned or not).
 */
export interface SlaFilter {
  state: SlaState;
  target?: SlaTarget;
}
export type SearchFieldKind = (typeof SEARCH_FIELDS)[SearchField];

/** Fields an interaction may leave empty (null; a text field also counts ''): the only ones `isEmpty` applies to. */
export const EMPTYABLE_SEARCH_FIELDS: readonly SearchField[] = [
  'subject',
  'customerEmail',
  'customerName',
  'agentId',
  'queueId',
  'dispositionId',
  'tags',
  'closedAt',
];

export const SEARCH_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'startsWith',
  'endsWith',
  'greaterThan',
  'lessThan',
  'in',
  'isEmpty',
] as const;
export type SearchOperator = (typeof SEARCH_OPERATORS)[number];

/** The operators each kind of field takes (`isEmpty` only on the fields that may be empty). */
export const OPERATORS_BY_KIND: Record<SearchFieldKind, readonly SearchOperator[]> = {
  number: ['equals', 'notEquals', 'greaterThan', 'lessThan', 'in', 'isEmpty'],
  text: ['equals', 'notEquals', 'contains', 'startsWith', 'endsWith', 'in', 'isEmpty'],
  enum: ['equals', 'notEquals', 'in'],
  boolean: ['equals', 'notEquals'],
  date: ['equals', 'notEquals', 'greaterThan', 'lessThan', 'isEmpty'],
  list: ['equals', 'notEquals', 'contains', 'in', 'isEmpty'],
};

/**
 * What a condition's value is, by the kind of its field: number fields are 32-bit integers (their columns are), dates
 * are ISO 8601 UTC instants, the status is open or closed. `in` takes a list of 1 to MAX_IN_VALUES of them.
 */
export type SearchValueKind = 'integer' | 'text' | 'status' | 'boolean' | 'instant';
export const VALUE_OF_KIND: Record<SearchFieldKind, SearchValueKind> = {
  number: 'integer',
  text: 'text',
  enum: 'status',
  boolean: 'boolean',
  date: 'instant',
  list: 'text',
};
export const MAX_IN_VALUES = 100;
export const MAX_TEXT_VALUE = 1000;
export const INT32 = { min: -2147483648, max: 2147483647 } as const;
/**
 * ISO 8601 in UTC (`2026-01-31T09:00:00.000Z`), with real calendar days: the rule of zod's `z.iso.datetime()`, which
 * the API's other instants use (written out here because the web client imports this module without zod).
 */
export const INSTANT_PATTERN =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z))$/;

export function operatorsFor(field: SearchField): readonly SearchOperator[] {
  const operators = OPERATORS_BY_KIND[SEARCH_FIELDS[field]];
  return EMPTYABLE_SEARCH_FIELDS.includes(field) ? operators : operators.filter((operator) => operator !== 'isEmpty');
}

function valueProblem(kind: SearchValueKind, value: unknown): string | null {
  switch (kind) {
    case 'integer':
      return Number.isInteger(value) && (value as number) >= INT32.min && (value as number) <= INT32.max
        ? null
        : `needs an integer from ${INT32.min} to ${INT32.max}`;
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_VALUE ? null : `needs text of at most ${MAX_TEXT_VALUE} characters`;
    case 'status':
      return value === 'open' || value === 'closed' ? null : 'needs open or closed';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'needs true or false';
    case 'instant':
      return typeof value === 'string' && INSTANT_PATTERN.test(value) ? null : 'needs an ISO 8601 UTC instant (2026-01-31T09:00:00Z)';
  }
}

/**
 * Why an enabled condition cannot be searched, naming the part that is wrong (`operator` or `value`), or null. A
 * disabled condition is never checked: it stays in the supervisor's form, half-written if need be.
 */
export function conditionProblem(
  condition: Pick<SearchCondition, 'field' | 'operator' | 'value'>,
): { part: 'operator' | 'value'; reason: string } | null {
  const { field, operator, value } = condition;
  if (!operatorsFor(field).includes(operator)) {
    return { part: 'operator', reason: `${operator} does not apply to ${field} (it takes ${operatorsFor(field).join(', ')})` };
  }
  if (operator === 'isEmpty') return null;
  const kind = VALUE_OF_KIND[SEARCH_FIELDS[field]];
  if (operator === 'in') {
    if (!Array.isArray(value) || value.length < 1 || value.length > MAX_IN_VALUES)
      return { part: 'value', reason: `in needs a list of 1 to ${MAX_IN_VALUES} values` };
    const problem = value.map((one) => valueProblem(kind, one)).find((reason) => reason !== null);
    return problem ? { part: 'value', reason: `every value ${problem}` } : null;
  }
  const problem = valueProblem(kind, value);
  return problem ? { part: 'value', reason: `${field} ${problem}` } : null;
}

export interface SearchCondition {
  field: SearchField;
  operator: SearchOperator;
  value?: string | number | boolean | Array<string | number>;
  /** A disabled condition stays in the request (and in the user's form) but is ignored. */
  enabled: boolean;
}

/** The simple filters of the list plus the advanced conditions, within the accounts the user may see. */
export interface InteractionFilters {
  accountIds: number[];
  from?: Date;
  to?: Date;
  read?: boolean;
  status?: 'open' | 'closed';
  agentId?: number;
  tags?: string[];
  sla?: SlaFilter;
  match: 'all' | 'any';
  conditions: SearchCondition[];
}

/** The orders the list can be read in; the id breaks ties so that pages neither repeat nor skip rows. */
export const SEARCH_SORTS = ['createdAt', 'lastMessageAt', 'id'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
