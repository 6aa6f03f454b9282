/** An account's dispositions over HTTP. */
import { z } from 'zod';
import { dbId, nonBlank } from '../../domain/fields';

export const dispositionCreateSchema = z
  .object({
    name: nonBlank(255),
    parentId: dbId.nullable().default(null),
  })
  .strict()
  .meta({ id: 'DispositionCreate' });

export const dispositionUpdateSchema = z
  .object({ name: nonBlank(255) })
  .strict()
  .meta({ id: 'DispositionUpdate' });

export const dispositionSchema = z
  .object({
    id: z.number().int(),
    accountId: z.number().int(),
    name: z.string(),
    level: z.number().int(),
    parentId: z.number().int().nullable(),
  })
  .meta({ id: 'Disposition' });
export type Disposition = z.output<typeof dispositionSchema>;
