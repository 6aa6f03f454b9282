/**
 * A field's problem as the API answers it: the field, zod's reason, and what a client needs to say it in its own
 * words (the issue's code and bounds). A number's bounds are read from the schema, so a port that is too big is
 * answered with both ends of its range ("from 1 to 65535"), not only the one it broke.
 */
import { z } from 'zod';
import type { FieldProblem } from '../domain/errors';

/** The problem of one field: `code` and the rest only for the issues a client can put in words of its own. */
export interface FieldProblemDetails extends FieldProblem {
  code?: 'too_big' | 'too_small' | 'invalid_type' | 'invalid_value' | 'invalid_format';
  /** The kind of value bounded: number, string (characters), array (items), … */
  origin?: string;
  minimum?: number;
  maximum?: number;
  /** The type the field takes (invalid_type). */
  expected?: string;
  /** The values the field takes (invalid_value). */
  values?: string[];
  /** The format the text must have (invalid_format): email, url, datetime, … */
  format?: string;
}

export const fieldProblemSchema = z.object({
  field: z.string(),
  reason: z.string(),
  code: z
    .enum(['too_big', 'too_small', 'invalid_type', 'invalid_value', 'invalid_format'])
    .optional()
    .meta({ description: "zod's issue code, when the client may word the problem itself" }),
  origin: z.string().optional().meta({ description: 'what is bounded: number, string (its characters), array (its items)' }),
  minimum: z.number().optional().meta({ description: 'the smallest value (or length) the field takes' }),
  maximum: z.number().optional().meta({ description: 'the largest value (or length) the field takes' }),
  expected: z.string().optional().meta({ description: 'the type the field takes' }),
  values: z.array(z.string()).optional().meta({ description: 'the values the field takes' }),
  format: z.string().optional().meta({ description: 'the format the text must have (email, url, datetime, …)' }),
});

const WORDED = new Set<string>(['too_big', 'too_small', 'invalid_type', 'invalid_value', 'invalid_format']);

/** The problems of a failed parse, field paths joined with dots (`steps.0.template`). */
export function zodProblems(error: z.ZodError, schema?: z.ZodType): FieldProblemDetails[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return { field: issue.keys.map((key) => (path ? `${path}.${key}` : key)).join(', '), reason: 'unknown field' };
    }
    const problem: FieldProblemDetails = { field: path || '(body)', reason: issue.message };
    if (!WORDED.has(issue.code)) return problem;
    problem.code = issue.code as FieldProblemDetails['code'];
    if (issue.code === 'too_big' || issue.code === 'too_small') {
      problem.origin = issue.origin;
      const bound = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
      const exclusive = issue.inclusive === false;
      // Integers only: an exclusive bound of a whole number moves to the next whole number.
      const integer = issue.origin !== 'number' || isInteger(schemaAt(schema, issue.path));
      const inclusiveBound = !exclusive ? bound : integer ? bound + (issue.code === 'too_big' ? -1 : 1) : undefined;
      if (inclusiveBound !== undefined) problem[issue.code === 'too_big' ? 'maximum' : 'minimum'] = inclusiveBound;
      if (issue.origin === 'number') {
        const range = numberRange(schemaAt(schema, issue.path));
        problem.minimum ??= range.minimum;
        problem.maximum ??= range.maximum;
      }
    } else if (issue.code === 'invalid_type') {
      problem.expected = String(issue.expected);
    } else if (issue.code === 'invalid_value') {
      problem.values = issue.values.slice(0, 50).map(String);
    } else if (issue.code === 'invalid_format') {
      problem.format = issue.format;
    }
    return problem;
  });
}

/** The schema that parses the value at `path`, through objects, arrays, optionals, defaults and pipes. */
function schemaAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current = unwrap(schema);
  for (const key of path) {
    if (current instanceof z.ZodObject) current = unwrap(current.shape[String(key)] as z.ZodType | undefined);
    else if (current instanceof z.ZodArray) current = unwrap(current.element as z.ZodType);
    else return undefined;
  }
  return current;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 10; depth += 1) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault)
      current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
  return current;
}

function numberRange(schema: z.ZodType | undefined): { minimum?: number; maximum?: number } {
  if (!(schema instanceof z.ZodNumber)) return {};
  const integer = schema.isInt;
  const range: { minimum?: number; maximum?: number } = {};
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def as { check: string; value?: unknown; inclusive?: boolean };
    if (typeof def.value !== 'number') continue;
    // An exclusive bound is said inclusively only for whole numbers ("more than 0" is "from 1").
    if (def.check === 'greater_than') {
      if (def.inclusive) range.minimum = def.value;
      else if (integer) range.minimum = def.value + 1;
    } else if (def.check === 'less_than') {
      if (def.inclusive) range.maximum = def.value;
      else if (integer) range.maximum = def.value - 1;
    }
  }
  return range;
}

function isInteger(schema: z.ZodType | undefined): boolean {
  return schema instanceof z.ZodNumber && schema.isInt;
}
