/** Pause statuses over HTTP. */
import { z } from 'zod';
import { nonBlank } from '../../domain/fields';
import { patchOf } from './patch';

const pauseStatusFields = { name: nonBlank(255), description: z.string().max(2000).nullable().default(null) };

export const pauseStatusCreateSchema = z.object(pauseStatusFields).strict().meta({ id: 'PauseStatusCreate' });
export const pauseStatusUpdateSchema = patchOf(pauseStatusFields).meta({ id: 'PauseStatusUpdate' });
export const pauseStatusSchema = z
  .object({ id: z.number().int(), name: z.string(), description: z.string().nullable() })
  .meta({ id: 'PauseStatus' });
export type PauseStatus = z.output<typeof pauseStatusSchema>;
