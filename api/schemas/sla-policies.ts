/** SLA policies over HTTP (the rules they hold: domain/sla-schema.ts). */
import { z } from 'zod';
import { dbId } from '../../domain/fields';
import { escalationActionSchema, slaPolicyFields } from '../../domain/sla-schema';
import { patchOf } from './patch';

export const slaPolicyCreateSchema = z.object(slaPolicyFields).strict().meta({ id: 'SlaPolicyCreate' });

export const slaPolicyUpdateSchema = patchOf(slaPolicyFields).meta({ id: 'SlaPolicyUpdate' });

export const slaPolicyOrderSchema = z
  .object({
    policyIds: z
      .array(dbId)
      .min(1)
      .max(1000)
      .meta({ description: "the account's policies to put first, in this order (the others follow in theirs; a repeat counts once)" }),
  })
  .strict()
  .meta({ id: 'SlaPolicyOrder' });

export const slaPolicySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    position: z.number().int(),
    calendarId: z.number().int().nullable(),
    matchQueueIds: z.array(z.number().int()),
    matchPriorities: z.array(z.number().int()),
    matchTags: z.array(z.string()),
    firstResponseSeconds: z.number().int().nullable(),
    nextResponseSeconds: z.number().int().nullable(),
    resolutionSeconds: z.number().int().nullable(),
    warningBeforeSeconds: z.number().int(),
    pauseWhileWaitingOnCustomer: z.boolean(),
    warningActions: z.array(escalationActionSchema),
    breachActions: z.array(escalationActionSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SlaPolicy' });
export type SlaPolicy = z.output<typeof slaPolicySchema>;
