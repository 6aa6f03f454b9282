/**
 * An email account's settings, as one schema: the API's create, change and answer schemas derive from it and the
 * account use cases type their input from it. Defaults and ranges follow XCALLY Motion's Email Accounts page.
 */
import { z } from 'zod';
import { changesShape } from './changes';
import { dbId, emailAddress, lineSafeName, noControlCharacters, seconds } from './fields';
import { HEADERS_FILTER_PATTERN } from './headers-filter';

/** Seconds as the seed allows them for the two "wait for" settings. */
export const SEED_WAIT_RANGE = { min: 1, max: 2147483 } as const;

export const MAIL_SERVICES = ['custom', 'gmail', 'yahoo', 'hotmail', 'outlook365'] as const;
export type MailService = (typeof MAIL_SERVICES)[number];

const hostname = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:]+\]$/, 'must be a host name or address');
const port = z.number().int().min(1).max(65535);

/** Where each provider hands out tokens (its sovereign clouds included): a token URL elsewhere is refused. */
export const PROVIDER_TOKEN_HOSTS: Record<'microsoft' | 'google', string[]> = {
  microsoft: ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn'],
  google: ['oauth2.googleapis.com'],
};

/**
 * Why a token URL may not be used, or null: the client secret and refresh token are POSTed to it, so it must be the
 * provider's own over HTTPS (elsewhere only where the operator's outbound allow-list says so: services/accounts.ts).
 */
export function tokenUrlProblem(provider: 'microsoft' | 'google', tokenUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(tokenUrl);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol !== 'https:') return 'must be https (the client secret and refresh token are sent to it)';
  if (!PROVIDER_TOKEN_HOSTS[provider].includes(url.hostname))
    return `must be ${provider}'s token endpoint (${PROVIDER_TOKEN_HOSTS[provider].join(', ')})`;
  return null;
}

/** The XOAUTH2 settings' fields (the answer shows them without the secrets). */
export const oauth2FieldsSchema = z
  .object({
    provider: z.enum(['microsoft', 'google']),
    clientId: z.string().min(1).max(512),
    clientSecret: z.string().min(1).max(2048).optional().meta({ description: 'write-only' }),
    refreshToken: z.string().min(1).max(8192).optional().meta({ description: 'write-only' }),
    tenantId: z.string().max(256).optional(),
    tokenUrl: z.string().url().max(2048).optional(),
    /** Where the admin signs in (services/oauth2-authorization.ts); default: the provider's own. */
    authorizationUrl: z.string().url().max(2048).optional(),
    scopes: z.array(z.string().max(512)).max(20).optional(),
  })
  .strict();

/**
 * XOAUTH2 as the admin writes it: the client secret and refresh token are write-only (sealed apart). The token URL
 * is judged with the operator's outbound allow-list by the account use cases (tokenUrlProblem).
 */
export const oauth2InputSchema = oauth2FieldsSchema;

/** XOAUTH2 as stored and shown: the public part, and whether each secret is set. */
export interface OAuth2Settings {
  provider: string;
  clientId: string;
  tenantId?: string;
  tokenUrl?: string;
  authorizationUrl?: string;
  scopes?: string[];
  refreshTokenSet: boolean;
  clientSecretSet: boolean;
  /** The address that signed in at the provider and gave the refresh token (absent when it was pasted). */
  signedInAs?: string;
}

/** A logo is shown inline by every mail client in these formats (the bytes must be the format named). */
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/gif'] as const;
/** Every email of the account carries the logo: kept small. */
export const MAX_LOGO_BYTES = 256 * 1024;

/** The uploaded logo (PUT /accounts/:id/logo stores the bytes and sets this): sent in each email as an inline part. */
export const bodyTemplateLogoSchema = z
  .object({
    filename: z.string().min(1).max(255),
    contentType: z.enum(LOGO_TYPES),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of an uploaded logo'),
    size: z.number().int().min(1).max(MAX_LOGO_BYTES),
  })
  .strict();
export type BodyTemplateLogo = z.output<typeof bodyTemplateLogoSchema>;

/** The image format the bytes are (their leading signature), among the logo's formats; null for anything else. */
export function logoTypeOf(bytes: Uint8Array): (typeof LOGO_TYPES)[number] | null {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  return null;
}

export const bodyTemplateSchema = z
  .object({
    fontFamily: z.string().max(200).optional(),
    fontSize: z.number().int().min(6).max(72).optional(),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb')
      .optional()
      .meta({ description: 'the text colour, #rrggbb' }),
    text: z.string().max(100_000).optional(),
    logo: bodyTemplateLogoSchema.optional(),
    logoUrl: z
      .string()
      .url()
      .max(2048)
      .optional()
      .meta({ description: 'no longer sent (a remote image tells the sender when an email is read, and clients block it): upload a logo' }),
  })
  .strict();

/** Where an account's first activation on a mailbox starts; a date far back is how an admin takes everything. */
export const FIRST_INTAKES = ['unread', 'from-now', 'since'] as const;
export type FirstIntake = (typeof FIRST_INTAKES)[number];

/** Why the first-intake pair cannot be saved (the field to blame and why), or null. */
export function firstIntakeProblem(settings: { firstIntake: FirstIntake; firstIntakeSince: string | null }): string | null {
  return settings.firstIntake === 'since' && settings.firstIntakeSince === null ? "is required when firstIntake is 'since'" : null;
}

/** The account's `assistant` when the admin turned suggestions off (null: the built-in assistant). */
export const ASSISTANT_OFF = 'off';

/** Every setting an admin writes, with its default. */
export const accountFields = {
  name: lineSafeName(255).meta({ description: 'shown as the sender of replies' }),
  key: z.string().regex(/^[A-Za-z0-9]{1,5}$/, 'must be 1 to 5 letters or digits'),
  emailAddress: emailAddress(),
  contactListId: dbId.nullable().default(null),
  active: z.boolean().default(false),
  description: z.string().max(2000).nullable().default(null),
  service: z.enum(MAIL_SERVICES).default('custom'),
  imapHost: hostname.nullable().default(null),
  imapPort: port.default(993),
  imapSsl: z.boolean().default(true),
  imapAuth: z.boolean().default(true),
  imapUsername: noControlCharacters(320).nullable().default(null),
  imapPassword: noControlCharacters(1024).optional().meta({ description: 'write-only; never returned' }),
  mailbox: noControlCharacters(255).min(1).default('INBOX'),
  sentMailbox: noControlCharacters(255)
    .min(1)
    .nullable()
    .default(null)
    .meta({ description: 'folder for copies of sent email; null: the folder the server marks \\Sent, else "Sent"' }),
  connectionTimeoutSeconds: seconds(10, 1, 600),
  authTimeoutSeconds: seconds(5, 1, 600),
  smtpHost: hostname.nullable().default(null),
  smtpPort: port.default(465),
  smtpSecure: z.boolean().default(true),
  smtpAuth: z.boolean().default(true),
  smtpUsername: noControlCharacters(320).nullable().default(null),
  smtpPassword: noControlCharacters(1024).optional().meta({ description: 'write-only; never returned' }),
  oauth2: oauth2InputSchema.nullable().default(null),
  markAsUnread: z.boolean().default(false),
  waitForAssignedAgentSeconds: seconds(10, SEED_WAIT_RANGE.min, SEED_WAIT_RANGE.max),
  waitForAssignedQueueSeconds: seconds(10, SEED_WAIT_RANGE.min, SEED_WAIT_RANGE.max),
  headersFilter: z
    .string()
    .max(2000)
    .regex(HEADERS_FILTER_PATTERN, 'must be entries name or name=VALUE, separated by commas')
    .default('')
    .meta({ description: 'XCALLY syntax: name, name1,name2, name=VALUE, mixed' }),
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
  assistant: z
    .string()
    .max(100)
    .nullable()
    .default(null)
    .meta({ description: 'the assistant suggesting answers to agents: null the built-in one, "off" none' }),
  hostname: noControlCharacters(253)
    .nullable()
    .default(null)
    .meta({ description: 'only workers started with this MAILROUTE_HOSTNAME watch the mailbox; null or empty: any worker' }),
  firstIntake: z.enum(FIRST_INTAKES).default('unread').meta({
    description:
      "where the first activation on a mailbox starts: 'unread' (unread emails only, the seed's SEARCH UNSEEN), 'from-now' (only emails arriving later) or 'since' firstIntakeSince (read or not); later activations go on from the checkpoint",
  }),
  firstIntakeSince: z.iso
    .date('must be a date as YYYY-MM-DD')
    .nullable()
    .default(null)
    .meta({ description: "with firstIntake 'since': emails received on or after this day (the server's date)" }),
};

/** A new account: absent settings take their defaults. */
export const accountInputSchema = z.object(accountFields).strict();
export type AccountInput = z.output<typeof accountInputSchema>;

/** A change to an account: absent settings stay as they are. */
export const accountChangesSchema = z.object(changesShape(accountFields)).strict();
export type AccountChanges = z.output<typeof accountChangesSchema>;
