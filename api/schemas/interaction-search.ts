/**
 * The interactions search over HTTP: simple filters, the advanced conditions and keyset paging. A condition is
 * checked against its field (domain/interaction-search.ts: which operators a field takes, what its value is) with a
 * 400 naming the part that is wrong; the document states the same rules as one `anyOf` branch per kind of field.
 */
import { dbId, instant, nonBlank } from '../../domain/fields';
import {
  conditionProblem,
  INSTANT_PATTERN,
  INT32,
  MAX_IN_VALUES,
  MAX_TEXT_VALUE,
  OPERATORS_BY_KIND,
  operatorsFor,
  SEARCH_FIELDS,
  SEARCH_OPERATORS,
  SEARCH_SORTS,
  VALUE_OF_KIND,
  type SearchField,
  type SearchFieldKind,
  type SearchValueKind,
} from '../../domain/interaction-search';
import { SLA_STATES, SLA_TARGETS } from '../../domain/sla';
import { cursorSchema } from '../cursor';
import { z } from '../http';

const FIELDS = Object.keys(SEARCH_FIELDS) as [SearchField, ...SearchField[]];

const VALUE_SCHEMAS: Record<SearchValueKind, object> = {
  integer: { type: 'integer', minimum: INT32.min, maximum: INT32.max },
  text: { type: 'string', maxLength: MAX_TEXT_VALUE },
  status: { type: 'string', enum: ['open', 'closed'] },
  boolean: { type: 'boolean' },
  instant: { type: 'string', format: 'date-time', pattern: INSTANT_PATTERN.source },
};

/** The document's statement of conditionProblem: a disabled condition, or one branch per kind of field and operator. */
function conditionBranches(): object[] {
  const enabled = { enabled: { type: 'boolean', enum: [true] } };
  const branches: object[] = [{ properties: { enabled: { type: 'boolean', enum: [false] } }, required: ['enabled'] }];
  for (const [kind, operators] of Object.entries(OPERATORS_BY_KIND) as Array<[SearchFieldKind, readonly string[]]>) {
    const fields = FIELDS.filter((field) => SEARCH_FIELDS[field] === kind);
    const value = VALUE_SCHEMAS[VALUE_OF_KIND[kind]];
    const single = operators.filter((operator) => operator !== 'in' && operator !== 'isEmpty');
    const field = (names: SearchField[]) => ({ type: 'string', enum: names });
    branches.push({
      properties: { ...enabled, field: field(fields), operator: { type: 'string', enum: single }, value },
      required: ['field', 'operator', 'value'],
    });
    if (operators.includes('in'))
      branches.push({
        properties: {
          ...enabled,
          field: field(fields),
          operator: { type: 'string', enum: ['in'] },
          value: { type: 'array', items: value, minItems: 1, maxItems: MAX_IN_VALUES },
        },
        required: ['field', 'operator', 'value'],
      });
    const emptyable = fields.filter((name) => operatorsFor(name).includes('isEmpty'));
    if (emptyable.length > 0)
      branches.push({
        properties: { ...enabled, field: field(emptyable), operator: { type: 'string', enum: ['isEmpty'] } },
        required: ['field', 'operator'],
      });
  }
  return branches;
}

const conditionValue = z.union([
  z.string().max(MAX_TEXT_VALUE),
  z.number(),
  z.boolean(),
  z
    .array(z.union([z.string().max(MAX_TEXT_VALUE), z.number()]))
    .min(1)
    .max(MAX_IN_VALUES),
]);

export const searchConditionSchema = z
  .object({
    field: z.enum(FIELDS),
    operator: z.enum(SEARCH_OPERATORS),
    value: conditionValue.optional(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((condition, context) => {
    if (!condition.enabled) return;
    const problem = conditionProblem(condition);
    if (problem) context.addIssue({ code: 'custom', path: [problem.part], message: problem.reason });
  })
  .openapi({ anyOf: conditionBranches() as never });

export const interactionSearchSchema = z
  .object({
    accountId: dbId.optional(),
    from: instant().optional(),
    to: instant().optional(),
    read: z.boolean().optional(),
    status: z.enum(['open', 'closed']).optional(),
    agentId: dbId.optional(),
    tags: z.array(nonBlank(64)).max(50).optional(),
    sla: z
      .enum(SLA_STATES)
      .optional()
      .meta({ description: 'a service-level target breached, at risk (warned, not met), met in time, or running' }),
    slaTarget: z.enum(SLA_TARGETS).optional().meta({ description: 'the target `sla` tests (any when left out)' }),
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(searchConditionSchema).max(50).default([]),
    sort: z.enum(SEARCH_SORTS).default('createdAt'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(500).default(50),
    cursor: cursorSchema.optional(),
  })
  .strict()
  .openapi('InteractionSearch');
