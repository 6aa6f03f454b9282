/** Email accounts over HTTP: the bodies and the answer derive from the account's one schema (domain/account.ts). */
import { z } from 'zod';
import { accountChangesSchema, accountFields, accountInputSchema, oauth2FieldsSchema } from '../../domain/account';
import { withoutDefault } from '../../domain/changes';
import { dbId } from '../../domain/fields';

export const accountCreateSchema = accountInputSchema.meta({ id: 'EmailAccountCreate' });

/** PATCH: every field optional and without defaults (absent means unchanged). */
export const accountUpdateSchema = accountChangesSchema.meta({ id: 'EmailAccountUpdate' });

/** Write-only settings never come back: the answer says whether each secret is set. */
const shownFields = Object.fromEntries(
  Object.entries(accountFields)
    .filter(([name]) => name !== 'imapPassword' && name !== 'smtpPassword' && name !== 'oauth2')
    .map(([name, schema]) => [name, withoutDefault(schema)]),
);

export const accountSchema = z
  .object({
    id: z.number().int(),
    ...shownFields,
    demo: z.boolean().meta({ description: 'the demo account `npm start` made, wired to its local demo mailbox' }),
    imapPasswordSet: z.boolean(),
    smtpPasswordSet: z.boolean(),
    oauth2: oauth2FieldsSchema
      .omit({ clientSecret: true, refreshToken: true })
      .extend({ clientSecretSet: z.boolean(), refreshTokenSet: z.boolean(), signedInAs: z.string().optional() })
      .nullable(),
    headersFilterRules: z.array(z.object({ name: z.string(), value: z.string().optional() })),
    imapSearch: z.string().meta({ description: 'the IMAP SEARCH the headers filter becomes' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'EmailAccount' });

/** The ids of what is added to an account (its agents, its queues), replacing the previous set. */
export const idListSchema = (field: string) => z.object({ [field]: z.array(dbId).max(10_000) }).strict();

export const verifySmtpSchema = z
  .object({
    ok: z.boolean(),
    host: z.string().nullable(),
    port: z.number().int(),
    elapsedMs: z.number().int(),
    error: z.string().optional().meta({ description: "the server's exact error" }),
    code: z.string().optional(),
    responseCode: z.number().int().optional(),
  })
  .meta({ id: 'VerifySmtpResult' });
