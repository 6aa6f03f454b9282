/**
 * The advanced search builder's model: conditions the supervisor adds, edits, disables and deletes,
 * turned into the body of POST /api/interactions/search. Pure (unit-tested in tests/unit).
 */
import { SEARCH_FIELDS, type SearchField } from '../../../domain/interaction-search';

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
