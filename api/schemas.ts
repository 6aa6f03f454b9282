/**
 * Request and response schemas: each validates at the edge and documents itself in /openapi.json.
 * Defaults and ranges follow XCALLY Motion's Email Accounts page (shared/seed).
 */
import { actionStepSchema } from '../domain/action-plan-schema';
import { dbId, noControlCharacters, seconds } from '../domain/fields';
import { QUEUE_STRATEGIES } from '../domain/offer-order';
import { z } from './http';

/** Seconds as the seed allows them for the two "wait for" settings. */
export const SEED_WAIT_RANGE = { min: 1, max: 2147483 } as const;

const hostname = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:]+\]$/, 'must be a host name or address');
const port = z.number().int().min(1).max(65535);

export const mailServices = ['custom', 'gmail', 'yahoo', 'hotmail', 'outlook365'] as const;

export const oauth2Schema = z
  .object({
    provider: z.enum(['microsoft', 'google']),
    clientId: z.string().min(1).max(512),
    clientSecret: z.string().min(1).max(2048).optional().openapi({ description: 'write-only' }),
    refreshToken: z.string().min(1).max(8192).optional().openapi({ description: 'write-only' }),
    tenantId: z.string().max(256).optional(),
    tokenUrl: z.string().url().optional(),
    scopes: z.array(z.string().max(512)).max(20).optional(),
  })
  .strict();

export const bodyTemplateSchema = z
  .object({
    fontFamily: z.string().max(200).optional(),
    fontSize: z.number().int().min(6).max(72).optional(),
    text: z.string().max(100_000).optional(),
    logoUrl: z.string().url().max(2048).optional(),
  })
  .strict();

const accountFields = {
  name: z.string().trim().min(1).max(255),
  key: z.string().regex(/^[A-Za-z0-9]{1,5}$/, 'must be 1 to 5 letters or digits'),
  emailAddress: z.string().email().max(254),
  contactListId: dbId.nullable().default(null),
  active: z.boolean().default(false),
  description: z.string().max(2000).nullable().default(null),
  service: z.enum(mailServices).default('custom'),
  imapHost: hostname.nullable().default(null),
  imapPort: port.default(993),
  imapSsl: z.boolean().default(true),
  imapAuth: z.boolean().default(true),
  imapUsername: z.string().max(320).nullable().default(null),
  imapPassword: z.string().max(1024).optional().openapi({ description: 'write-only; never returned' }),
  mailbox: z.string().min(1).max(255).default('INBOX'),
  sentMailbox: noControlCharacters(255)
    .min(1)
    .nullable()
    .default(null)
    .openapi({ description: 'folder for copies of sent email; null: the folder the server marks \\Sent, else "Sent"' }),
  connectionTimeoutSeconds: seconds(10, 1, 600),
  authTimeoutSeconds: seconds(5, 1, 600),
  smtpHost: hostname.nullable().default(null),
  smtpPort: port.default(465),
  smtpSecure: z.boolean().default(true),
  smtpAuth: z.boolean().default(true),
  smtpUsername: z.string().max(320).nullable().default(null),
  smtpPassword: z.string().max(1024).optional().openapi({ description: 'write-only; never returned' }),
  oauth2: oauth2Schema.nullable().default(null),
  markAsUnread: z.boolean().default(false),
  waitForAssignedAgentSeconds: seconds(10, SEED_WAIT_RANGE.min, SEED_WAIT_RANGE.max),
  waitForAssignedQueueSeconds: seconds(10, SEED_WAIT_RANGE.min, SEED_WAIT_RANGE.max),
  headersFilter: z.string().max(2000).default('').openapi({ description: 'XCALLY syntax: name, name1,name2, name=VALUE, mixed' }),
  includeMessageOnForward: z.boolean().default(false),
  disableDuplicateCheck: z.boolean().default(false),
  transferEnabled: z.boolean().default(false),
  transferToAgent: z.boolean().default(true),
  transferToQueue: z.boolean().default(true),
  transferToAccount: z.boolean().default(false),
  transferTimeoutSeconds: seconds(30),
  transferTemplate: z.string().max(10_000).nullable().default(null),
  mandatoryDisposition: z.boolean().default(false),
  dispositionPauseStatusId: dbId.nullable().default(null),
  bodyTemplate: bodyTemplateSchema.nullable().default(null),
  notificationSound: z.boolean().default(true),
  notificationShake: z.boolean().default(false),
  notificationTemplate: z.string().max(10_000).nullable().default(null),
  assistant: z.string().max(100).nullable().default(null),
  hostname: noControlCharacters(253).nullable().default(null),
};

export const accountCreateSchema = z.object(accountFields).strict().openapi('EmailAccountCreate');

/** PATCH: every field optional and without defaults (absent means unchanged). */
export const accountUpdateSchema = z
  .object(
    Object.fromEntries(Object.entries(accountFields).map(([name, schema]) => [name, unwrapDefault(schema).optional()])) as {
      [K in keyof typeof accountFields]: z.ZodOptional<z.ZodType<z.output<(typeof accountFields)[K]>>>;
    },
  )
  .strict()
  .openapi('EmailAccountUpdate');

function unwrapDefault(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
}

export type AccountCreate = z.output<typeof accountCreateSchema>;
export type AccountUpdate = z.output<typeof accountUpdateSchema>;

export const accountSchema = z
  .object({
    id: z.number().int(),
    ...Object.fromEntries(
      Object.entries(accountFields)
        .filter(([name]) => name !== 'imapPassword' && name !== 'smtpPassword' && name !== 'oauth2')
        .map(([name, schema]) => [name, unwrapDefault(schema)]),
    ),
    imapPasswordSet: z.boolean(),
    smtpPasswordSet: z.boolean(),
    oauth2: oauth2Schema
      .omit({ clientSecret: true, refreshToken: true })
      .extend({ clientSecretSet: z.boolean(), refreshTokenSet: z.boolean() })
      .nullable(),
    headersFilterRules: z.array(z.object({ name: z.string(), value: z.string().optional() })),
    imapSearch: z.string().openapi({ description: 'the IMAP SEARCH the headers filter becomes' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('EmailAccount');

export const userCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(255),
    email: z.string().email().max(254),
    role: z.enum(['admin', 'supervisor', 'agent']).default('agent'),
    password: z.string().min(8).max(1024).optional().openapi({ description: 'write-only' }),
    capacity: z.number().int().min(1).max(100).default(1),
  })
  .strict()
  .openapi('UserCreate');

export const userSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string(),
    role: z.enum(['admin', 'supervisor', 'agent']),
    presence: z.enum(['online', 'paused', 'offline']),
    pauseStatusId: z.number().int().nullable(),
    capacity: z.number().int(),
    updatedAt: z.string().optional(),
  })
  .openapi('User');

export const presenceSchema = z
  .object({
    presence: z.enum(['online', 'paused', 'offline']),
    pauseStatusId: dbId.optional(),
  })
  .strict()
  .openapi('PresenceChange');

export const queueStrategies = QUEUE_STRATEGIES;

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
  .openapi('QueueMembers');

export const idListSchema = (field: string) => z.object({ [field]: z.array(dbId).max(10_000) }).strict();

export const dispositionCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(255),
    parentId: dbId.nullable().default(null),
  })
  .strict()
  .openapi('DispositionCreate');

export const actionPlanSchema = z
  .object({ steps: z.array(actionStepSchema).max(500) })
  .strict()
  .openapi('ActionPlan');

export const offerAnswerSchema = z.object({}).strict();

const requestId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, - or _')
  .optional()
  .openapi({ description: 'idempotency key: the same requestId never sends twice' });

/** Attachment bytes travel base64-encoded in the request; the whole request is limited to 35 MB. */
export const outboundAttachmentSchema = z
  .object({
    filename: noControlCharacters(255).min(1),
    contentType: z
      .string()
      .regex(/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/, 'must be a MIME type like application/pdf')
      .default('application/octet-stream'),
    contentBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  })
  .strict()
  .openapi('OutboundAttachment');

const outboundFields = {
  text: z.string().max(1_000_000).default('').openapi({ description: "the agent's words (plain text)" }),
  html: z.string().max(5_000_000).optional().openapi({ description: 'HTML version of the words; sanitized before sending' }),
  cannedAnswerId: dbId.optional().openapi({ description: "a canned answer (global or the account's), variables rendered" }),
  attachments: z.array(outboundAttachmentSchema).max(20).default([]),
  requestId,
};

function needsWords(body: { text: string; html?: string | undefined; cannedAnswerId?: number | undefined }, context: z.RefinementCtx) {
  if (body.text.trim() === '' && body.html === undefined && body.cannedAnswerId === undefined) {
    context.addIssue({ code: 'custom', path: ['text'], message: 'give text, html or cannedAnswerId' });
  }
}

export const replySchema = z.object(outboundFields).strict().superRefine(needsWords).openapi('Reply');

/** A recipient: the display name may not hold line breaks (no header injection), the address must be one. */
const recipientSchema = z
  .object({ name: noControlCharacters(200).optional(), address: z.string().email().max(254) })
  .strict()
  .openapi('Recipient');

export const forwardSchema = z
  .object({
    ...outboundFields,
    to: z.array(recipientSchema).min(1).max(50),
    cc: z.array(recipientSchema).max(50).default([]),
    includePreviousMessage: z
      .boolean()
      .optional()
      .openapi({ description: "quote the customer's latest message with its attachments; default: the account's includeMessageOnForward" }),
  })
  .strict()
  .superRefine(needsWords)
  .openapi('Forward');

export const reassignSchema = z.object({ agentId: dbId }).strict().openapi('Reassign');

export const closeSchema = z.object({ dispositionId: dbId.optional() }).strict().openapi('Close');

export const loginSchema = z
  .object({ email: z.string().email(), password: z.string().min(1).max(1024) })
  .strict()
  .openapi('Login');

/** PATCH bodies: every field of a create schema optional and without its default (absent means unchanged). */
function patchOf<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object(Object.fromEntries(Object.entries(shape).map(([name, schema]) => [name, unwrapDefault(schema as z.ZodType).optional()])))
    .strict()
    .refine((value) => Object.keys(value).length > 0, 'name at least one field to change') as unknown as z.ZodType<
    Partial<{ [K in keyof Shape]: z.output<Shape[K]> }>
  >;
}

const roles = ['admin', 'supervisor', 'agent'] as const;
const userFields = {
  name: z.string().trim().min(1).max(255),
  email: z.string().email().max(254),
  role: z.enum(roles).default('agent'),
  password: z.string().min(8).max(1024).optional().openapi({ description: 'write-only' }),
  capacity: z.number().int().min(1).max(100).default(1),
};
export const userUpdateSchema = patchOf({
  ...userFields,
  presence: z.enum(['online', 'paused', 'offline']),
  pauseStatusId: dbId.nullable(),
}).openapi('UserUpdate');

const queueFields = {
  name: z.string().trim().min(1).max(255),
  description: z.string().max(2000).nullable().default(null),
  strategy: z.enum(queueStrategies).default('beepall'),
  offerTimeoutSeconds: seconds(30, 1, 86400),
  /** The "not responding" pause applied to an agent who lets an offer of this queue time out (null: none). */
  notRespondingPauseStatusId: dbId.nullable().default(null),
};
export const queueCreateSchema = z.object(queueFields).strict().openapi('QueueCreate');
export const queueUpdateSchema = patchOf(queueFields).openapi('QueueUpdate');
export const queueSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    strategy: z.enum(queueStrategies),
    offerTimeoutSeconds: z.number().int(),
    notRespondingPauseStatusId: z.number().int().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Queue');

export const dispositionUpdateSchema = z
  .object({ name: z.string().trim().min(1).max(255) })
  .strict()
  .openapi('DispositionUpdate');
export const dispositionSchema = z
  .object({
    id: z.number().int(),
    accountId: z.number().int(),
    name: z.string(),
    level: z.number().int(),
    parentId: z.number().int().nullable(),
  })
  .openapi('Disposition');

const cannedAnswerFields = {
  name: z.string().trim().min(1).max(255),
  body: z.string().min(1).max(100_000),
};
export const cannedAnswerCreateSchema = z
  .object({
    ...cannedAnswerFields,
    accountId: dbId.nullable().default(null).openapi({ description: 'null: a global canned answer, offered on every account' }),
  })
  .strict()
  .openapi('CannedAnswerCreate');
export const cannedAnswerUpdateSchema = patchOf(cannedAnswerFields).openapi('CannedAnswerUpdate');
export const cannedAnswerSchema = z
  .object({
    id: z.number().int(),
    accountId: z.number().int().nullable(),
    name: z.string(),
    body: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('CannedAnswer');

const pauseStatusFields = { name: z.string().trim().min(1).max(255), description: z.string().max(2000).nullable().default(null) };
export const pauseStatusCreateSchema = z.object(pauseStatusFields).strict().openapi('PauseStatusCreate');
export const pauseStatusUpdateSchema = patchOf(pauseStatusFields).openapi('PauseStatusUpdate');
export const pauseStatusSchema = z
  .object({ id: z.number().int(), name: z.string(), description: z.string().nullable() })
  .openapi('PauseStatus');

const contactListFields = { name: z.string().trim().min(1).max(255) };
export const contactListCreateSchema = z.object(contactListFields).strict().openapi('ContactListCreate');
export const contactListUpdateSchema = patchOf(contactListFields).openapi('ContactListUpdate');
export const contactListSchema = z.object({ id: z.number().int(), name: z.string() }).openapi('ContactList');

const contactFields = { email: z.string().email().max(254), name: z.string().trim().max(255).nullable().default(null) };
export const contactCreateSchema = z.object(contactFields).strict().openapi('ContactCreate');
export const contactUpdateSchema = patchOf(contactFields).openapi('ContactUpdate');
export const contactSchema = z
  .object({ id: z.number().int(), listId: z.number().int(), email: z.string(), name: z.string().nullable(), createdAt: z.string() })
  .openapi('Contact');

export const settingsUpdateSchema = patchOf({
  loginMailFrequencySeconds: z.number().int().min(1).max(86400).openapi({ description: 'polling interval for mail servers without IDLE' }),
}).openapi('GlobalSettingsUpdate');
export const settingsSchema = z.object({ loginMailFrequencySeconds: z.number().int(), updatedAt: z.string() }).openapi('GlobalSettings');

export const tokenCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(255),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(10 * 365 * 86400)
      .optional(),
    userId: dbId.optional().openapi({ description: 'admins only: issue the token for another user (an integration user)' }),
  })
  .strict()
  .openapi('ApiTokenCreate');
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

export const actionPlanVersionSchema = z
  .object({ version: z.number().int(), steps: z.array(z.unknown()), createdAt: z.string() })
  .openapi('ActionPlanVersion');

export const verifySmtpSchema = z
  .object({
    ok: z.boolean(),
    host: z.string().nullable(),
    port: z.number().int(),
    elapsedMs: z.number().int(),
    error: z.string().optional().openapi({ description: "the server's exact error" }),
    code: z.string().optional(),
    responseCode: z.number().int().optional(),
  })
  .openapi('VerifySmtpResult');
