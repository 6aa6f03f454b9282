/**
 * The advanced search builder's model: conditions the supervisor adds, edits, disables and deletes,
 * turned into the body of POST /api/interactions/search. Pure (unit-tested in tests/unit).
 */
import { OPERATORS_BY_KIND, SEARCH_FIELDS, type SearchField } from '../../../domain/interaction-search';
import type { SlaState, SlaTarget } from '../../../domain/sla';

export interface DraftCondition {
  key: number;
  field: string;
  operator: string;
  value: string;
  enabled: boolean;
}

export interface SimpleFilters {
  accountId?: number;
  status?: '' | 'open' | 'closed';
  read?: '' | 'true' | 'false';
  agentId?: string;
  from?: string;
  to?: string;
  /** Tags as typed, separated by commas: an interaction must have every one. */
  tags?: string;
  /** A service-level target in this standing (of the one target named, or any). */
  sla?: '' | SlaState;
  slaTarget?: '' | SlaTarget;
}

/** The tags of the filter as a list: trimmed, without empty entries or repeats. */
export function filterTags(text: string | undefined): string[] {
  return [...new Set((text ?? '').split(',').map((tag) => tag.trim()))].filter((tag) => tag !== '');
}

/** How a condition's value is entered: typed as the domain types the field (an enum is the status: open or closed). */
export type InputKind = 'text' | 'number' | 'date' | 'boolean' | 'status';

const INPUT_OF: Record<(typeof SEARCH_FIELDS)[SearchField], InputKind> = {
  text: 'text',
  list: 'text',
  number: 'number',
  date: 'date',
  boolean: 'boolean',
  enum: 'status',
};

/** The field list itself comes from the API's OpenAPI document; a field this client does not know is text. */
export function inputKind(field: string): InputKind {
  return Object.hasOwn(SEARCH_FIELDS, field) ? INPUT_OF[SEARCH_FIELDS[field as SearchField]] : 'text';
}

/** Fields whose value is one of the account's things, picked by name: the request carries its id. */
export const PICKED_FIELDS = ['agentId', 'queueId', 'accountId', 'dispositionId'] as const;
export type PickedField = (typeof PICKED_FIELDS)[number];

export function pickedField(field: string): field is PickedField {
  return (PICKED_FIELDS as readonly string[]).includes(field);
}

const FIELD_LABELS: Record<SearchField, string> = {
  id: 'Interaction number',
  subject: 'Subject',
  customerEmail: 'Customer email',
  customerName: 'Customer name',
  status: 'Status',
  read: 'Read',
  agentId: 'Agent',
  queueId: 'Queue',
  accountId: 'Account',
  dispositionId: 'Disposition',
  priority: 'Priority',
  tags: 'Tags',
  createdAt: 'Created',
  closedAt: 'Closed',
  lastMessageAt: 'Last message',
};

/** A field as people name it; a field this client does not know keeps the API's name. */
export function fieldLabel(field: string): string {
  return Object.hasOwn(FIELD_LABELS, field) ? FIELD_LABELS[field as SearchField] : field;
}

const OPERATOR_WORDS: Record<string, string> = {
  equals: 'is',
  notEquals: 'is not',
  contains: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  greaterThan: 'is greater than',
  lessThan: 'is less than',
  in: 'is one of',
  isEmpty: 'is empty',
};

/** An operator in words, as it reads after the field: "Created is after", "Agent is not set". */
export function operatorLabel(field: string, operator: string): string {
  const kind = inputKind(field);
  if (kind === 'date' && operator === 'greaterThan') return 'is after';
  if (kind === 'date' && operator === 'lessThan') return 'is before';
  if (pickedField(field) && operator === 'isEmpty') return 'is not set';
  if (field === 'tags' && operator === 'contains') return 'include';
  if (field === 'tags' && operator === 'in') return 'include one of';
  if (field === 'tags' && operator === 'isEmpty') return 'are none';
  return OPERATOR_WORDS[operator] ?? operator;
}

/**
 * The operators that make sense for a field, among those the server accepts: a picked agent or queue is never
 * "greater than"; a field this client does not know takes them all.
 */
export function operatorsFor(field: string, accepted: string[]): string[] {
  if (!Object.hasOwn(SEARCH_FIELDS, field)) return accepted;
  const fitting: readonly string[] = OPERATORS_BY_KIND[SEARCH_FIELDS[field as SearchField]];
  return accepted.filter(
    (operator) => fitting.includes(operator) && !(pickedField(field) && (operator === 'greaterThan' || operator === 'lessThan')),
  );
}

function conditionValue(condition: DraftCondition): unknown {
  if (condition.operator === 'isEmpty') return undefined;
  const kind = inputKind(condition.field);
  const one = (value: string): string | number => {
    const trimmed = value.trim();
    if (kind === 'number' && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
    if (kind === 'date' && trimmed !== '' && !Number.isNaN(Date.parse(trimmed))) return new Date(trimmed).toISOString();
    return trimmed;
  };
  if (condition.operator === 'in') return condition.value.split(',').map(one);
  if (kind === 'boolean') return condition.value === 'true';
  return one(condition.value);
}

export function toSearchRequest(
  filters: SimpleFilters,
  match: 'all' | 'any',
  conditions: DraftCondition[],
  page: { limit: number; cursor?: string | null },
): Record<string, unknown> {
  const iso = (value: string | undefined) => (value ? new Date(value).toISOString() : undefined);
  const body: Record<string, unknown> = {
    ...(filters.accountId ? { accountId: filters.accountId } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.read ? { read: filters.read === 'true' } : {}),
    ...(filters.agentId ? { agentId: Number(filters.agentId) } : {}),
    ...(filters.from ? { from: iso(filters.from) } : {}),
    ...(filters.to ? { to: iso(filters.to) } : {}),
    ...(filterTags(filters.tags).length > 0 ? { tags: filterTags(filters.tags) } : {}),
    ...(filters.sla ? { sla: filters.sla, ...(filters.slaTarget ? { slaTarget: filters.slaTarget } : {}) } : {}),
    match,
    conditions: conditions.map((condition) => {
      const value = conditionValue(condition);
      return {
        field: condition.field,
        operator: condition.operator,
        enabled: condition.enabled,
        ...(value !== undefined ? { value } : {}),
      };
    }),
    sort: 'createdAt',
    order: 'desc',
    limit: page.limit,
  };
  if (page.cursor) body.cursor = page.cursor;
  return body;
}
