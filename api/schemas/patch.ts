/** PATCH bodies: every field of a create shape optional and without its default (absent means unchanged). */
import { z } from 'zod';
import { changesShape } from '../../domain/changes';

export function patchOf<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object(changesShape(shape))
    .strict()
    .refine((value) => Object.keys(value).length > 0, 'name at least one field to change')
    .meta({ minProperties: 1 }) as unknown as z.ZodType<Partial<{ [K in keyof Shape]: z.output<Shape[K]> }>>;
}
