/** Users, presence and login over HTTP: the bodies derive from the user's one schema (domain/user.ts). */
import { z } from 'zod';
import { PRESENCES, ROLES } from '../../domain/people';
import { ownSettingsSchema, presenceChangeSchema, userChangeableFields, userInputSchema } from '../../domain/user';
import { emailAddress, noControlCharacters } from '../../domain/fields';
import { patchOf } from './patch';

export const userCreateSchema = userInputSchema.meta({ id: 'UserCreate' });

export const userUpdateSchema = patchOf(userChangeableFields).meta({ id: 'UserUpdate' });

export const userSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    presence: z.enum(PRESENCES),
    pauseStatusId: z.number().int().nullable(),
    capacity: z.number().int(),
    signature: z.string(),
    updatedAt: z.string().optional(),
  })
  .meta({ id: 'User' });
export type User = z.output<typeof userSchema>;

export const presenceSchema = presenceChangeSchema.meta({ id: 'PresenceChange' });

export const ownSettingsChangeSchema = ownSettingsSchema.meta({ id: 'OwnSettingsChange' });

export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1).max(1024),
    newPassword: noControlCharacters(1024).min(8),
  })
  .strict()
  .meta({ id: 'PasswordChange' });

export const loginSchema = z
  .object({ email: emailAddress(), password: z.string().min(1).max(1024) })
  .strict()
  .meta({ id: 'Login' });

export const loginResultSchema = z.object({ token: z.string(), user: userSchema });
