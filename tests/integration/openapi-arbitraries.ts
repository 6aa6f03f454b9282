/**
 * Values from the document's schemas, for fast-check: valid ones (every keyword the document uses: types, ranges,
 * lengths, patterns, formats, enums, nullable, required and optional properties, anyOf/oneOf branches merged with the
 * object they refine) and invalid ones (a valid value with one spot broken: a wrong type, a bound crossed, a required
 * property missing, an unknown one added). Every value is checked against the document with Ajv, so a generator bug
 * cannot pass a valid value off as invalid or the reverse.
 */
import fc from 'fast-check';
import type { DocumentReader, JsonSchema } from './openapi-document';

/** Where in a body a value sits: property names down to it, array items as their index (`*` while generating). */
export type Spot = Array<string | number>;

/**
 * What the document cannot state and the test's world knows (ids that name real objects, cursors the API made): the
 * arbitrary for a spot, or undefined to generate from its schema.
 */
export type Override = (spot: Spot, schema: JsonSchema) => fc.Arbitrary<unknown> | undefined;

/** Strings never carry U+0000: the API refuses it everywhere (PostgreSQL text cannot hold it), as its document says. */
const withoutNul = (text: string) => !text.includes('\u0000');

const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];

const lowercase = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: min, maxLength: max });

const EMAIL = fc
  .tuple(lowercase(1, 12), fc.constantFrom('', '.x', '+tag', '_y'), lowercase(1, 10), fc.constantFrom('com', 'org', 'example', 'io'))
  .map(([local, extra, domain, tld]) => `${local}${extra}@${domain}.${tld}`);

const INSTANT = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Only https URLs on names that resolve nowhere: nothing a test generates sends traffic off this machine. */
const URI = fc.constantFrom('https://example.com/', 'https://hooks.example.org/mailroute?x=1', 'https://example.net/logo.png');

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 1000;
  const fits = (text: string) => text.length >= min && text.length <= max && withoutNul(text);
  const pattern = schema.pattern ? new RegExp(schema.pattern, 'u') : undefined;
  const matches = (text: string) => fits(text) && (!pattern || pattern.test(text));
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  switch (schema.format) {
    case 'email':
      return EMAIL.filter(matches);
    case 'date-time':
      return INSTANT.filter(matches);
    case 'date':
      return INSTANT.map((instant) => instant.slice(0, 10)).filter(matches);
    case 'uri':
      return URI.filter(matches);
    case 'time-zone':
      return fc.constantFrom(...TIME_ZONES);
  }
  if (pattern) return fc.stringMatching(pattern, { size: 'small' }).filter(matches);
  const upTo = Math.max(min, Math.min(max, 24));
  return fc
    .oneof(
      fc.string({ minLength: min, maxLength: upTo }),
      fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, Math.min(max, 8)) }),
      fc.constantFrom(' padded ', 'Ünïcödé ✉', 'x'.repeat(max)),
    )
    .filter(matches);
}

function integerOf(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.minimum === undefined ? -1000 : schema.minimum + (schema.exclusiveMinimum === true ? 1 : 0);
  const max = schema.maximum === undefined ? Math.max(min + 1000, 1000) : schema.maximum - (schema.exclusiveMaximum === true ? 1 : 0);
  return fc.integer({ min, max });
}

/** The object `base` narrowed by one of its anyOf/oneOf branches: the branch's properties win, required adds up. */
function narrowed(reader: DocumentReader, base: JsonSchema, branch: JsonSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...(base.properties ?? {}) };
  for (const [name, narrow] of Object.entries<JsonSchema>(branch.properties ?? {})) {
    const wide = properties[name] ? reader.resolve(properties[name]) : {};
    properties[name] = narrow.type || narrow.enum ? narrow : { ...wide, ...narrow };
  }
  const { properties: _, required: __, ...rest } = branch;
  return { ...base, ...rest, properties, required: [...new Set([...(base.required ?? []), ...(branch.required ?? [])])] };
}

/** Arrays are mostly short; now and then exactly as long as allowed (bind-parameter and size limits live there). */
function arrayOf(item: fc.Arbitrary<unknown>, schema: JsonSchema): fc.Arbitrary<unknown[]> {
  const min = schema.minItems ?? 0;
  const max = schema.maxItems ?? 20;
  const short = fc.array(item, { minLength: min, maxLength: Math.max(min, Math.min(max, 4)) });
  if (max <= 4 || max > 10_000) return short;
  return fc.oneof({ weight: 15, arbitrary: short }, { weight: 1, arbitrary: fc.array(item, { minLength: max, maxLength: max }) });
}

export function validArbitrary(reader: DocumentReader, raw: JsonSchema, override: Override, spot: Spot = []): fc.Arbitrary<unknown> {
  const schema = reader.resolve(raw);
  const hooked = override(spot, schema);
  if (hooked) return hooked;
  let arbitrary: fc.Arbitrary<unknown>;
  const branches: JsonSchema[] | undefined = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const { anyOf: _, oneOf: __, ...base } = schema;
    const refines = base.type !== undefined || base.properties !== undefined;
    arbitrary = fc.oneof(
      ...branches.map((branch) =>
        validArbitrary(reader, refines ? narrowed(reader, base, reader.resolve(branch)) : branch, override, spot),
      ),
    );
  } else if (schema.enum) {
    arbitrary = fc.constantFrom(...(schema.enum as unknown[]));
  } else {
    switch (schema.type) {
      case 'object': {
        const properties = schema.properties ?? {};
        const model = Object.fromEntries(
          Object.entries<JsonSchema>(properties).map(([name, inner]) => [name, validArbitrary(reader, inner, override, [...spot, name])]),
        );
        const required = (schema.required ?? []).filter((name: string) => name in properties);
        let record: fc.Arbitrary<Record<string, unknown>> = fc.record(model, { requiredKeys: required });
        if (schema.minProperties !== undefined || schema.maxProperties !== undefined)
          record = record.filter((value) => {
            const count = Object.keys(value).length;
            return count >= (schema.minProperties ?? 0) && count <= (schema.maxProperties ?? Infinity);
          });
        arbitrary = record;
        break;
      }
      case 'array':
        arbitrary = arrayOf(validArbitrary(reader, schema.items ?? {}, override, [...spot, '*']), schema);
        break;
      case 'string':
        arbitrary = stringOf(schema);
        break;
      case 'integer':
        arbitrary = integerOf(schema);
        break;
      case 'number':
        arbitrary = fc.oneof(
          integerOf(schema),
          fc.double({ min: schema.minimum, max: schema.maximum, noNaN: true, noDefaultInfinity: true }),
        );
        break;
      case 'boolean':
        arbitrary = fc.boolean();
        break;
      default:
        arbitrary = fc.oneof(fc.string({ maxLength: 10 }).filter(withoutNul), fc.integer(), fc.boolean());
    }
  }
  return schema.nullable ? fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: fc.constant(null) }) : arbitrary;
}

/** Values that break `schema` in one way each (some may still fit it, e.g. through another branch: callers check). */
export function brokenValues(reader: DocumentReader, raw: JsonSchema): unknown[] {
  const schema = reader.resolve(raw);
  const wrongTypes = ['text', 42, 1.5, true, null, {}, []].filter(
    (value) => !(schema.type === 'number' && typeof value === 'number') && !(schema.type === 'integer' && Number.isInteger(value)),
  );
  const values: unknown[] = [...wrongTypes];
  if (schema.enum) values.push('not-one-of-them', `${String(schema.enum[0])} `);
  if (schema.type === 'string') {
    if (schema.maxLength !== undefined && schema.maxLength < 200_000) values.push('x'.repeat(schema.maxLength + 1));
    if (schema.minLength) values.push('');
    values.push('', ' ', 'a\r\nb', 'a\nb', 'tab\there', '💥', '../..', '\u0000', 'x'.repeat(300));
    if (schema.format) values.push('not-a-value-of-its-format', '2024-13-45T99:00:00Z', 'Mars/Olympus_Mons', 'no@', 'https://');
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    values.push('1', 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e300, -1, 0);
    if (schema.maximum !== undefined) values.push(schema.maximum + 1);
    if (schema.minimum !== undefined) values.push(schema.minimum - 1);
  }
  if (schema.type === 'boolean') values.push('true', 1, 0);
  if (schema.type === 'array') {
    values.push('1,2', [null], [{}], [2 ** 31], ['x'.repeat(2000)]);
    if (schema.minItems) values.push([]);
    if (schema.maxItems !== undefined && schema.maxItems < 20_000) values.push(new Array(schema.maxItems + 1).fill(1));
  }
  if (schema.type === 'object') values.push([], 'object', 0);
  return values;
}

/** A copy of `value` with `spot` set to `replacement` (or removed, when `replacement` is `remove`). */
export const remove = Symbol('remove');
export function replaced(value: unknown, spot: Spot, replacement: unknown): unknown {
  if (spot.length === 0) return replacement;
  const [head, ...rest] = spot;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  if (rest.length === 0 && replacement === remove) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = replaced(copy[head!], rest, replacement);
  return copy;
}

/** Every spot of a JSON value with the (resolved, branch-free where possible) schema that describes it. */
export function spotsOf(
  reader: DocumentReader,
  raw: JsonSchema,
  value: unknown,
  spot: Spot = [],
): Array<{ spot: Spot; schema: JsonSchema }> {
  let schema = reader.resolve(raw);
  const branches: JsonSchema[] | undefined = schema.anyOf ?? schema.oneOf;
  if (branches && schema.type === undefined && schema.properties === undefined) {
    const fitting = branches.find((branch) => reader.problem(branch, value) === null);
    if (fitting) schema = reader.resolve(fitting);
  }
  const found = [{ spot, schema }];
  if (Array.isArray(value) && schema.items)
    value.slice(0, 5).forEach((item, index) => found.push(...spotsOf(reader, schema.items, item, [...spot, index])));
  else if (typeof value === 'object' && value !== null && schema.properties)
    for (const [name, inner] of Object.entries(value))
      if (schema.properties[name]) found.push(...spotsOf(reader, schema.properties[name], inner, [...spot, name]));
  return found;
}
