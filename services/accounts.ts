/**
 * Email accounts as use cases: a preset service fills in its servers, secrets are sealed here and nowhere else, the
 * headers filter is parsed, references are checked, every change is logged and audited by field name (write-only
 * values never leave as text), and the account's mailbox watcher follows the change.
 */
import {
  firstIntakeProblem,
  tokenUrlProblem,
  type AccountChanges,
  type FirstIntake,
  type AccountInput,
  type MailService,
  type OAuth2Settings,
} from '../domain/account';
import { ConflictError, InvalidInputError, NotFoundError, PreconditionFailedError } from '../domain/errors';
import { HeadersFilterError, parseHeadersFilter, type HeaderFilterRule } from '../domain/headers-filter';
import type { Logger } from '../platform/logger';
import { tokenEndpoint } from '../platform/oauth2';
import type { OutboundGuard } from '../platform/outbound';
import type { SecretBox } from '../platform/secrets';
import type { Store } from '../store';
import type { AccountColumns, AccountRow } from '../store/accounts';
import type { WatcherControl } from './mailbox-watchers';
import { checkAccountReferences } from './references';

/** Host, port and TLS that a preset service fills in (the admin may still override them). */
export const SERVICE_PRESETS = {
  gmail: { imapHost: 'imap.gmail.com', imapPort: 993, imapSsl: true, smtpHost: 'smtp.gmail.com', smtpPort: 465, smtpSecure: true },
  yahoo: {
    imapHost: 'imap.mail.yahoo.com',
    imapPort: 993,
    imapSsl: true,
    smtpHost: 'smtp.mail.yahoo.com',
    smtpPort: 465,
    smtpSecure: true,
  },
  hotmail: {
    imapHost: 'outlook.office365.com',
    imapPort: 993,
    imapSsl: true,
    smtpHost: 'smtp-mail.outlook.com',
    smtpPort: 587,
    smtpSecure: false,
  },
  outlook365: {
    imapHost: 'outlook.office365.com',
    imapPort: 993,
    imapSsl: true,
    smtpHost: 'smtp.office365.com',
    smtpPort: 587,
    smtpSecure: false,
  },
} as const satisfies Record<Exclude<MailService, 'custom'>, object>;

function parseFilter(text: string): HeaderFilterRule[] {
  try {
    return parseHeadersFilter(text);
  } catch (error) {
    if (error instanceof HeadersFilterError) throw InvalidInputError.field('headersFilter', error.message);
    throw error;
  }
}

/**
 * Turns validated input into the columns to write; secrets are sealed here and nowhere else.
 * `sent` names the fields the client actually wrote: a preset fills in every host/port/TLS field it did not
 * (schema defaults such as smtpPort 465 must not override a preset's 587).
 */
/**
 * A stored secret is bound to where it was given for: changing any of these fields (to a new value) without giving
 * the secret again clears it, so an admin cannot send a stored password or token to a server of their own.
 */
const SECRET_ENDPOINTS = {
  imapPasswordEnc: ['imapHost', 'imapPort', 'imapSsl', 'imapUsername'],
  smtpPasswordEnc: ['smtpHost', 'smtpPort', 'smtpSecure', 'smtpUsername'],
  // Access tokens minted from the refresh token go to the mail servers too.
  oauth2SecretEnc: ['imapHost', 'imapPort', 'imapSsl', 'imapUsername', 'smtpHost', 'smtpPort', 'smtpSecure', 'smtpUsername'],
} as const;

function moved(columns: AccountColumns, current: AccountRow, fields: readonly string[]): boolean {
  return fields.some((field) => field in columns && columns[field] !== (current as unknown as Record<string, unknown>)[field]);
}

export function accountColumns(
  input: AccountChanges,
  secrets: SecretBox,
  current?: AccountRow,
  sent?: ReadonlySet<string>,
): AccountColumns {
  const { imapPassword, smtpPassword, oauth2, headersFilter, service, ...plain } = input;
  const switched = service !== undefined && service !== current?.service;
  const preset = service && service !== 'custom' && switched ? SERVICE_PRESETS[service] : undefined;
  const columns: AccountColumns = { ...preset, ...plain };
  if (service !== undefined) columns.service = service;
  if (preset)
    for (const [field, value] of Object.entries(preset))
      if (
        (sent !== undefined && !sent.has(field)) ||
        input[field as keyof AccountChanges] === undefined ||
        input[field as keyof AccountChanges] === null
      )
        columns[field] = value;
  if (headersFilter !== undefined) columns.headersFilter = parseFilter(headersFilter);
  if (current) {
    if (imapPassword === undefined && moved(columns, current, SECRET_ENDPOINTS.imapPasswordEnc)) columns.imapPasswordEnc = null;
    if (smtpPassword === undefined && moved(columns, current, SECRET_ENDPOINTS.smtpPasswordEnc)) columns.smtpPasswordEnc = null;
  }
  if (imapPassword !== undefined) columns.imapPasswordEnc = imapPassword === '' ? null : secrets.seal(imapPassword);
  if (smtpPassword !== undefined) columns.smtpPasswordEnc = smtpPassword === '' ? null : secrets.seal(smtpPassword);
  if (oauth2 !== undefined) {
    if (oauth2 === null) {
      columns.oauth2 = null;
      columns.oauth2SecretEnc = null;
    } else {
      const { clientSecret, refreshToken, ...publicPart } = oauth2;
      const storedPublic = (current?.oauth2 ?? null) as Record<string, unknown> | null;
      // The secrets are POSTed to the token endpoint: one on another server must be given them again.
      const endpointMoved =
        storedPublic !== null &&
        new URL(tokenEndpoint(publicPart)).origin !==
          new URL(tokenEndpoint(storedPublic as unknown as Parameters<typeof tokenEndpoint>[0])).origin;
      const previous =
        current?.oauth2SecretEnc && !endpointMoved && !moved(columns, current, SECRET_ENDPOINTS.oauth2SecretEnc)
          ? (JSON.parse(secrets.open(current.oauth2SecretEnc)) as { clientSecret?: string; refreshToken?: string })
          : {};
      const sealed = { clientSecret: clientSecret ?? previous.clientSecret, refreshToken: refreshToken ?? previous.refreshToken };
      // Who signed in stays known while their refresh token is the one kept.
      const signedInAs = refreshToken === undefined && previous.refreshToken ? (storedPublic?.signedInAs as string | undefined) : undefined;
      const stored: OAuth2Settings = {
        ...publicPart,
        clientSecretSet: Boolean(sealed.clientSecret),
        refreshTokenSet: Boolean(sealed.refreshToken),
        ...(signedInAs ? { signedInAs } : {}),
      };
      columns.oauth2 = stored;
      columns.oauth2SecretEnc = secrets.seal(JSON.stringify(sealed));
    }
  } else if (current?.oauth2SecretEnc && moved(columns, current, SECRET_ENDPOINTS.oauth2SecretEnc)) {
    const { signedInAs: _gone, ...stored } = current.oauth2 as unknown as OAuth2Settings;
    columns.oauth2 = { ...stored, clientSecretSet: false, refreshTokenSet: false };
    columns.oauth2SecretEnc = secrets.seal(JSON.stringify({}));
  }
  return columns;
}

/** The change set with write-only values replaced by a marker (set or cleared). */
function withoutSecrets(body: object): Record<string, unknown> {
  const changes: Record<string, unknown> = { ...body };
  for (const field of ['imapPassword', 'smtpPassword']) if (field in changes) changes[field] = changes[field] ? '[set]' : '[cleared]';
  const oauth2 = changes.oauth2 as Record<string, unknown> | null | undefined;
  if (oauth2) {
    const { clientSecret, refreshToken, ...rest } = oauth2;
    changes.oauth2 = { ...rest, ...(clientSecret ? { clientSecret: '[set]' } : {}), ...(refreshToken ? { refreshToken: '[set]' } : {}) };
  }
  return changes;
}

export interface AccountServiceDeps {
  store: Pick<Store, 'accounts' | 'contacts' | 'pauseStatuses'>;
  secrets: SecretBox;
  watchers: Pick<WatcherControl, 'sync'>;
  logger: Logger;
  outbound: Pick<OutboundGuard, 'problem' | 'allowListed'>;
}

export function createAccountService({ store, secrets, watchers, logger, outbound }: AccountServiceDeps) {
  /** The secrets are POSTed to the token URL: the provider's own, or a destination the operator allow-listed. */
  function checkTokenUrl(changes: AccountChanges) {
    const tokenUrl = changes.oauth2?.tokenUrl;
    if (!changes.oauth2 || tokenUrl === undefined) return;
    const problem =
      outbound.problem(tokenUrl) ?? (outbound.allowListed(tokenUrl) ? null : tokenUrlProblem(changes.oauth2.provider, tokenUrl));
    if (problem) throw InvalidInputError.field('oauth2.tokenUrl', problem);
  }

  /** 'since' needs its day, as saved or as sent now. */
  function checkFirstIntake(settings: Parameters<typeof firstIntakeProblem>[0]) {
    const problem = firstIntakeProblem(settings);
    if (problem) throw InvalidInputError.field('firstIntakeSince', problem);
  }

  async function audit(actorId: number, action: string, accountId: number, body: object) {
    const changes = withoutSecrets(body);
    logger.info({ accountId, actorId, action, changes }, `email account ${action}`);
    await store.accounts.recordChange(actorId, action, accountId, changes);
  }

  async function requireKeyFree(key: string) {
    if (await store.accounts.findByKey(key)) throw new ConflictError(`an account with key ${key} already exists`);
  }

  async function require(id: number): Promise<AccountRow> {
    const account = await store.accounts.find(id);
    if (!account) throw new NotFoundError(`email account ${id}`);
    return account;
  }

  return {
    require,

    /** `sent`: the fields the client wrote (presets fill the others). */
    async create(input: AccountInput, sent: ReadonlySet<string>, actorId: number): Promise<AccountRow> {
      await requireKeyFree(input.key);
      checkTokenUrl(input);
      checkFirstIntake(input);
      await checkAccountReferences(store, input);
      const account = await store.accounts.create(accountColumns(input, secrets, undefined, sent));
      await audit(actorId, 'created', account.id, input);
      await watchers.sync(account, 'created');
      return account;
    },

    /** Changes the account as `current` shows it: a PreconditionFailedError when someone saved it meanwhile. */
    async update(current: AccountRow, changes: AccountChanges, actorId: number): Promise<AccountRow> {
      if (changes.key && changes.key !== current.key) await requireKeyFree(changes.key);
      checkTokenUrl(changes);
      checkFirstIntake({
        firstIntake: changes.firstIntake ?? (current.firstIntake as FirstIntake),
        firstIntakeSince: changes.firstIntakeSince !== undefined ? changes.firstIntakeSince : current.firstIntakeSince,
      });
      await checkAccountReferences(store, changes);
      if (!(await store.accounts.updateIfUnchanged(current.id, current.updatedAt, accountColumns(changes, secrets, current))))
        throw new PreconditionFailedError(`email account ${current.id} changed while you were saving it`);
      const account = await require(current.id);
      await audit(actorId, 'updated', account.id, changes);
      await watchers.sync(account, 'updated');
      return account;
    },

    async remove(account: AccountRow, actorId: number): Promise<void> {
      await audit(actorId, 'deleted', account.id, {});
      await watchers.sync(account, 'deleted');
      await store.accounts.delete(account.id);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
