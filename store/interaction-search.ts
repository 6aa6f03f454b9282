/**
 * The interactions list: simple filters plus XCALLY's advanced search (domain/interaction-search.ts), turned into
 * one Prisma `where`.
 */
import { InvalidInputError } from '../domain/errors';
import { SEARCH_FIELDS, type InteractionFilters, type SearchCondition, type SearchField } from '../domain/interaction-search';
import type { Prisma } from './db';

/** A condition that does not fit its field: a 400 naming the condition (`conditions.2`) and the reason. */
export class SearchConditionError extends InvalidInputError {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message, [{ field: `conditions.${index}`, reason: message }]);
  }
}

function coerce(field: SearchField, value: unknown, index: number): string | number | boolean | Date {
  const kind = SEARCH_FIELDS[field];
  if (kind === 'number') {
    const number = Number(value);
    if (!Number.isFinite(number)) throw new SearchConditionError(index, `${field} needs a number`);
    return number;
  }
  if (kind === 'boolean') {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new SearchConditionError(index, `${field} needs true or false`);
  }
  if (kind === 'date') {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new SearchConditionError(index, `${field} needs an ISO date`);
    return date;
  }
  if (kind === 'enum' && value !== 'open' && value !== 'closed') throw new SearchConditionError(index, `${field} is open or closed`);
  return String(value ?? '');
}

/** One enabled condition as a Prisma filter. Text matching is case-insensitive. */
export function conditionToWhere(condition: SearchCondition, index: number): Prisma.InteractionWhereInput {
  const { field, operator } = condition;
  const kind = SEARCH_FIELDS[field];
  const textOnly = (op: string) => {
    if (kind !== 'text') throw new SearchConditionError(index, `${op} applies to text fields, not ${field}`);
  };
  if (kind === 'list') {
    const values = Array.isArray(condition.value) ? condition.value.map(String) : [String(condition.value ?? '')];
    switch (operator) {
      case 'equals':
      case 'contains':
        return { tags: { has: values[0] } };
      case 'notEquals':
        return { NOT: { tags: { has: values[0] } } };
      case 'in':
        return { tags: { hasSome: values } };
      case 'isEmpty':
        return { tags: { isEmpty: true } };
      default:
        throw new SearchConditionError(index, `${operator} does not apply to tags`);
    }
  }
  switch (operator) {
    case 'equals':
      return {
        [field]:
          kind === 'text' ? { equals: coerce(field, condition.value, index), mode: 'insensitive' } : coerce(field, condition.value, index),
      };
    case 'notEquals':
      return { NOT: { [field]: coerce(field, condition.value, index) } };
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      textOnly(operator);
      return { [field]: { [operator]: String(condition.value ?? ''), mode: 'insensitive' } };
    case 'greaterThan':
      return { [field]: { gt: coerce(field, condition.value, index) } };
    case 'lessThan':
      return { [field]: { lt: coerce(field, condition.value, index) } };
    case 'in': {
      const values = Array.isArray(condition.value) ? condition.value : String(condition.value ?? '').split(',');
      if (values.length === 0) throw new SearchConditionError(index, 'in needs at least one value');
      return { [field]: { in: values.map((value) => coerce(field, value, index)) } };
    }
    case 'isEmpty':
      return kind === 'text' ? { OR: [{ [field]: null }, { [field]: '' }] } : { [field]: null };
  }
}

export function interactionWhere(filters: InteractionFilters): Prisma.InteractionWhereInput {
  const simple: Prisma.InteractionWhereInput[] = [{ accountId: { in: filters.accountIds } }];
  if (filters.from || filters.to)
    simple.push({ createdAt: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lte: filters.to } : {}) } });
  if (filters.read !== undefined) simple.push({ read: filters.read });
  if (filters.status) simple.push({ status: filters.status });
  if (filters.agentId !== undefined) simple.push({ agentId: filters.agentId });
  if (filters.tags && filters.tags.length > 0) simple.push({ tags: { hasEvery: filters.tags } });
  const advanced = filters.conditions.map((condition, index) => ({ condition, index })).filter(({ condition }) => condition.enabled);
  if (advanced.length > 0) {
    const clauses = advanced.map(({ condition, index }) => conditionToWhere(condition, index));
    simple.push(filters.match === 'all' ? { AND: clauses } : { OR: clauses });
  }
  return { AND: simple };
}
