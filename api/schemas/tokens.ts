/**
 * API tokens over HTTP: the token itself appears once, in the answer that issues it. That answer extends ApiToken in
 * the document (allOf), which takes zod-to-openapi's own `.openapi()` naming rather than zod's `.meta()`.
 */
import { z } from '../http';
import { dbId, nonBlank } from '../../domain/fields';

export const tokenCreateSchema = z
  .object({
    name: nonBlank(255),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(365 * 86400)
      .optional()
      .meta({ description: 'lifetime in seconds: 90 days unless asked, a year at most (no token lives forever)' }),
    userId: dbId.optional().meta({ description: 'admins only: issue the token for another user (an integration user)' }),
  })
  .strict()
  .meta({ id: 'ApiTokenCreate' });

export const tokenSchema = z
  .object({
    id: z.number().int(),
    userId: z.number().int(),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken');
export type ApiToken = z.output<typeof tokenSchema>;

export const issuedTokenSchema = tokenSchema.extend({ token: z.string() });
