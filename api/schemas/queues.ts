/** Queues and their members over HTTP. */
import { z } from 'zod';
import { dbId, nonBlank, seconds } from '../../domain/fields';
import { QUEUE_STRATEGIES } from '../../domain/offer-order';
import { patchOf } from './patch';

const queueFields = {
  name: nonBlank(255),
  description: z.string().max(2000).nullable().default(null),
  strategy: z.enum(QUEUE_STRATEGIES).default('beepall'),
  offerTimeoutSeconds: seconds(30, 1, 86400),
  /** The "not responding" pause applied to an agent who lets an offer of this queue time out (null: none). */
  notRespondingPauseStatusId: dbId.nullable().default(null),
};
export const queueCreateSchema = z.object(queueFields).strict().meta({ id: 'QueueCreate' });
export const queueUpdateSchema = patchOf(queueFields).meta({ id: 'QueueUpdate' });

export const queueSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    strategy: z.enum(QUEUE_STRATEGIES),
    offerTimeoutSeconds: z.number().int(),
    notRespondingPauseStatusId: z.number().int().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Queue' });
export type Queue = z.output<typeof queueSchema>;

export const queueMembersSchema = z
  .object({
    members: z
      .array(
        z
          .object({
            agentId: dbId,
            weight: z.number().int().min(0).max(10).default(0),
            priority: z.number().int().min(0).max(100).default(0),
          })
          .strict(),
      )
      .max(1000),
  })
  .strict()
  .meta({ id: 'QueueMembers' });
export type QueueMembers = z.output<typeof queueMembersSchema>;
