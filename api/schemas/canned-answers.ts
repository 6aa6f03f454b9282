/** Canned answers over HTTP: global (accountId null) or one account's own. */
import { z } from 'zod';
import { dbId, nonBlank } from '../../domain/fields';
import { patchOf } from './patch';

const cannedAnswerFields = {
  name: nonBlank(255),
  body: z.string().min(1).max(100_000),
};

export const cannedAnswerCreateSchema = z
  .object({
    ...cannedAnswerFields,
    accountId: dbId.nullable().default(null).meta({ description: 'null: a global canned answer, offered on every account' }),
  })
  .strict()
  .meta({ id: 'CannedAnswerCreate' });

export const cannedAnswerUpdateSchema = patchOf(cannedAnswerFields).meta({ id: 'CannedAnswerUpdate' });

export const cannedAnswerSchema = z
  .object({
    id: z.number().int(),
    accountId: z.number().int().nullable(),
    name: z.string(),
    body: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CannedAnswer' });
export type CannedAnswer = z.output<typeof cannedAnswerSchema>;
