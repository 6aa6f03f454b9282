/**
 * The vocabulary of the interactions search (XCALLY's advanced search): which fields a condition may test, how
 * each is typed, and the operators. Conditions are combined with all/any; a disabled one stays in the request (and
 * in the supervisor's form) but is ignored. The store turns them into a query; the API and the web build them.
 */
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
  match: 'all' | 'any';
  conditions: SearchCondition[];
}

/** The orders the list can be read in; the id breaks ties so that pages neither repeat nor skip rows. */
export const SEARCH_SORTS = ['createdAt', 'lastMessageAt', 'id'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
