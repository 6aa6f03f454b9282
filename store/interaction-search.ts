/**
 * The interactions list: simple filters plus XCALLY's advanced search (domain/interaction-search.ts), turned into
 * one Prisma `where`. A condition is checked against its field first (conditionProblem): what reaches the database
 * is a value its column can hold.
 */
import { InvalidInputError } from '../domain/errors';
import {
  conditionProblem,
  SEARCH_FIELDS,
  type InteractionFilters,
  type SearchCondition,
  type SlaFilter,
} from '../domain/interaction-search';
import type { Prisma } from './db';

/** A condition that does not fit its field: a 400 naming the part of the condition (`conditions.2.operator`). */
export class SearchConditionError extends InvalidInputError {
  constructor(
    readonly index: number,
    part: 'operator' | 'value',
    reason: string,
  ) {
    super(`conditions.${index}.${part}: ${reason}`, [{ field: `conditions.${index}.${part}`, reason }]);
  }
}

type Scalar = string | number | boolean | Date;

/** Text columns that are never null (empty is ''): a null test on them is not a query Prisma takes. */
const NOT_NULL_TEXT: ReadonlySet<string> = new Set(['subject', 'customerEmail']);

/** A value checked by conditionProblem, as its column holds it. */
function columnValue(condition: SearchCondition, value: unknown): Scalar {
  return SEARCH_FIELDS[condition.field] === 'date' ? new Date(String(value)) : (value as Scalar);
}

/** One enabled condition as a Prisma filter. Text matching is case-insensitive. */
export function conditionToWhere(condition: SearchCondition, index: number): Prisma.InteractionWhereInput {
  const problem = conditionProblem(condition);
  if (problem) throw new SearchConditionError(index, problem.part, problem.reason);
  const { field, operator } = condition;
  const kind = SEARCH_FIELDS[field];
  const values = Array.isArray(condition.value) ? condition.value.map((value) => columnValue(condition, value)) : [];
  const value = Array.isArray(condition.value) ? undefined : columnValue(condition, condition.value);
  if (kind === 'list') {
    switch (operator) {
      case 'equals':
      case 'contains':
        return { tags: { has: value as string } };
      case 'notEquals':
        return { NOT: { tags: { has: value as string } } };
      case 'in':
        return { tags: { hasSome: values as string[] } };
      default:
        return { tags: { isEmpty: true } };
    }
  }
  switch (operator) {
    case 'equals':
      return { [field]: kind === 'text' ? { equals: value, mode: 'insensitive' } : value };
    case 'notEquals':
      return { NOT: { [field]: value } };
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return { [field]: { [operator]: value, mode: 'insensitive' } };
    case 'greaterThan':
      return { [field]: { gt: value } };
    case 'lessThan':
      return { [field]: { lt: value } };
    case 'in':
      return { [field]: { in: values } };
    case 'isEmpty':
      if (kind !== 'text') return { [field]: null };
      return NOT_NULL_TEXT.has(field) ? { [field]: '' } : { OR: [{ [field]: null }, { [field]: '' }] };
  }
}

/** A target in the standing the SLA filter names (domain/interaction-search.ts SlaFilter). */
export function slaTargetWhere(filter: SlaFilter): Prisma.InteractionSlaWhereInput {
  const target = filter.target ? { target: filter.target } : {};
  switch (filter.state) {
    case 'breached':
      return { ...target, breachedAt: { not: null } };
    case 'at-risk':
      return { ...target, warnedAt: { not: null }, breachedAt: null, metAt: null };
    case 'met':
      return { ...target, metAt: { not: null }, breachedAt: null };
    case 'running':
      return { ...target, metAt: null, breachedAt: null };
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
  if (filters.sla) simple.push({ slaTargets: { some: slaTargetWhere(filters.sla) } });
  const advanced = filters.conditions.map((condition, index) => ({ condition, index })).filter(({ condition }) => condition.enabled);
  if (advanced.length > 0) {
    const clauses = advanced.map(({ condition, index }) => conditionToWhere(condition, index));
    simple.push(filters.match === 'all' ? { AND: clauses } : { OR: clauses });
  }
  return { AND: simple };
}
