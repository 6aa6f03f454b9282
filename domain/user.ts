/** A user (agent, supervisor or admin) as an admin writes them: one schema, the API's bodies derive from it. */
import { z } from 'zod';
import { changesShape } from './changes';
import { dbId, emailAddress, lineSafeName, noControlCharacters } from './fields';
import { PRESENCES, ROLES } from './people';

/** A signature: a few lines of text (line breaks kept), sent as written. */
const userSignature = z
  .string()
  .max(2000)
  .regex(/^[^\0-\x08\x0b\x0c\x0e-\x1f]*$/, 'must not contain control characters')
  .nullable()
  .meta({ description: "put into replies where the account's body template says {{agent.signature}}; empty or null: none" });

/** What users change of themselves in their settings. */
export const ownSettingsSchema = z.object({ signature: userSignature.optional() }).strict();

export const userFields = {
  name: lineSafeName(255),
  email: emailAddress(),
  role: z.enum(ROLES).default('agent'),
  password: noControlCharacters(1024).min(8).optional().meta({ description: 'write-only' }),
  /** How many email interactions the agent may hold at once. */
  capacity: z.number().int().min(1).max(100).default(1),
  /** Put into replies where the account's body template says `{{agent.signature}}`; empty: none. */
  signature: userSignature.default(''),
};

/** A new user: absent fields take their defaults. */
export const userInputSchema = z.object(userFields).strict();
export type UserInput = z.output<typeof userInputSchema>;

/** What an admin may change of a user, presence (paused with a pause status) included. */
export const userChangeableFields = {
  ...userFields,
  presence: z.enum(PRESENCES),
  pauseStatusId: dbId.nullable(),
};
/** A change to a user: absent fields stay as they are. */
export const userChangesSchema = z.object(changesShape(userChangeableFields)).strict();
export type UserChanges = z.output<typeof userChangesSchema>;

/** An agent's own presence change: a pause may give its reason. */
export const presenceChangeSchema = z
  .object({
    presence: z.enum(PRESENCES),
    pauseStatusId: dbId.optional(),
  })
  .strict();
export type PresenceChange = z.output<typeof presenceChangeSchema>;
