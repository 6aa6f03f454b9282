/**
 * A change set (PATCH) of an object whose create schema has defaults: every field optional and without its default,
 * so an absent field means "unchanged", never "reset to the default".
 */
import { z } from 'zod';

export function withoutDefault(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
}

export type ChangesShape<Shape extends z.ZodRawShape> = { [K in keyof Shape]: z.ZodOptional<z.ZodType<z.output<Shape[K]>>> };

export function changesShape<Shape extends z.ZodRawShape>(shape: Shape): ChangesShape<Shape> {
  return Object.fromEntries(
    Object.entries(shape).map(([name, schema]) => [name, withoutDefault(schema as z.ZodType).optional()]),
  ) as ChangesShape<Shape>;
}
