/** Email accounts: presets, sealed secrets, the parsed headers filter, and the response shape. */
import type { Database } from '../../store/db';
import {
  formatHeadersFilter,
  headersFilterToImapSearch,
  HeadersFilterError,
  parseHeadersFilter,
  type HeaderFilterRule,
} from '../../domain/headers-filter';
import type { ActionStep } from '../../domain/action-plan-schema';
import type { SecretBox } from '../../platform/secrets';
import type { EmailAccount } from '../../generated/prisma/client';
import { AppError, type AuthenticatedUser } from '../http';
import { checkPauseStatus } from './references';
import type { Prisma } from '../../generated/prisma/client';
import type { AccountCreate, AccountUpdate } from '../schemas';

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
} as const;

type OAuth2Stored = {
  provider: string;
  clientId: string;
  tenantId?: string;
  tokenUrl?: string;
  scopes?: string[];
  refreshTokenSet: boolean;
  clientSecretSet: boolean;
};

function parseFilter(text: string): HeaderFilterRule[] {
  try {
    return parseHeadersFilter(text);
  } catch (error) {
    if (error instanceof HeadersFilterError)
      throw AppError.badRequest(`headersFilter: ${error.message}`, [{ field: 'headersFilter', reason: error.message }]);
    throw error;
  }
}

/**
 * Turns validated API input into the columns to write; secrets are sealed here and nowhere else.
 * `sent` names the fields the client actually wrote: a preset fills in every host/port/TLS field it did not
 * (schema defaults such as smtpPort 465 must not override a preset's 587).
 */
export function accountColumns(input: AccountUpdate, secrets: SecretBox, current?: EmailAccount, sent?: ReadonlySet<string>) {
  const { imapPassword, smtpPassword, oauth2, headersFilter, service, ...plain } = input;
  const switched = service !== undefined && service !== current?.service;
  const preset = service && service !== 'custom' && switched ? SERVICE_PRESETS[service] : undefined;
  const columns: Record<string, unknown> = { ...preset, ...plain };
  if (service !== undefined) columns.service = service;
  if (preset)
    for (const [field, value] of Object.entries(preset))
      if (
        (sent !== undefined && !sent.has(field)) ||
        input[field as keyof AccountUpdate] === undefined ||
        input[field as keyof AccountUpdate] === null
      )
        columns[field] = value;
  if (headersFilter !== undefined) columns.headersFilter = parseFilter(headersFilter);
  if (imapPassword !== undefined) columns.imapPasswordEnc = imapPassword === '' ? null : secrets.seal(imapPassword);
  if (smtpPassword !== undefined) columns.smtpPasswordEnc = smtpPassword === '' ? null : secrets.seal(smtpPassword);
  if (oauth2 !== undefined) {
    if (oauth2 === null) {
      columns.oauth2 = null;
      columns.oauth2SecretEnc = null;
    } else {
      const { clientSecret, refreshToken, ...publicPart } = oauth2;
      const previous = current?.oauth2SecretEnc
        ? (JSON.parse(secrets.open(current.oauth2SecretEnc)) as { clientSecret?: string; refreshToken?: string })
        : {};
      const sealed = { clientSecret: clientSecret ?? previous.clientSecret, refreshToken: refreshToken ?? previous.refreshToken };
      columns.oauth2 = { ...publicPart, clientSecretSet: Boolean(sealed.clientSecret), refreshTokenSet: Boolean(sealed.refreshToken) };
      columns.oauth2SecretEnc = secrets.seal(JSON.stringify(sealed));
    }
  }
  return columns;
}

export function accountResponse(account: EmailAccount) {
  const { imapPasswordEnc, smtpPasswordEnc, oauth2SecretEnc: _sealed, headersFilter, oauth2, createdAt, updatedAt, ...rest } = account;
  const rules = headersFilter as unknown as HeaderFilterRule[];
  return {
    ...rest,
    headersFilter: formatHeadersFilter(rules),
    headersFilterRules: rules,
    imapSearch: headersFilterToImapSearch(rules),
    imapPasswordSet: imapPasswordEnc !== null,
    smtpPasswordSet: smtpPasswordEnc !== null,
    oauth2: (oauth2 as OAuth2Stored | null) ?? null,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

export async function requireAccount(db: Database, id: number): Promise<EmailAccount> {
  const account = await db.emailAccount.findUnique({ where: { id } });
  if (!account) throw AppError.notFound(`email account ${id}`);
  return account;
}

export type { AccountCreate };

/** What a user may see: admins every account, supervisors and agents only the accounts they are added to. */
export function visibleAccounts(user: AuthenticatedUser): Prisma.EmailAccountWhereInput {
  return user.role === 'admin' ? {} : { agents: { some: { userId: user.id } } };
}

/** The interaction, when the user may see its account; 404 otherwise (as for accounts). */
export async function requireVisibleInteraction(db: Database, id: number, user: AuthenticatedUser) {
  const interaction = await db.interaction.findUnique({ where: { id } });
  const visible =
    interaction &&
    (user.role === 'admin' ||
      (await db.accountAgent.findUnique({ where: { accountId_userId: { accountId: interaction.accountId, userId: user.id } } })));
  if (!interaction || !visible) throw AppError.notFound(`interaction ${id}`);
  return interaction;
}

/** The account, when the user may see it; 404 otherwise (an agent does not learn that other accounts exist). */
export async function requireVisibleAccount(db: Database, id: number, user: AuthenticatedUser): Promise<EmailAccount> {
  const account = await db.emailAccount.findFirst({ where: { id, ...visibleAccounts(user) } });
  if (!account) throw AppError.notFound(`email account ${id}`);
  return account;
}

/** References an account names must exist: a 400 naming the field, not a database error. */
export async function checkAccountReferences(db: Database, input: AccountUpdate): Promise<void> {
  if (input.contactListId != null && !(await db.contactList.findUnique({ where: { id: input.contactListId } })))
    throw AppError.badRequest('contactListId: no such contact list', [{ field: 'contactListId', reason: 'no such contact list' }]);
  await checkPauseStatus(db, input.dispositionPauseStatusId, 'dispositionPauseStatusId');
}

/** Every queue, agent and disposition an action plan names must exist (dispositions: of this account). */
export async function checkPlanReferences(db: Database, accountId: number, steps: ActionStep[]): Promise<void> {
  const problems: { field: string; reason: string }[] = [];
  for (const [index, step] of steps.entries()) {
    if (step.type === 'queue' && !(await db.queue.findUnique({ where: { id: step.queueId } })))
      problems.push({ field: `steps.${index}.queueId`, reason: 'no such queue' });
    if (step.type === 'agent' && !(await db.user.findUnique({ where: { id: step.agentId } })))
      problems.push({ field: `steps.${index}.agentId`, reason: 'no such agent' });
    if (
      step.type === 'close' &&
      step.dispositionId !== undefined &&
      !(await db.disposition.findFirst({ where: { id: step.dispositionId, accountId } }))
    )
      problems.push({ field: `steps.${index}.dispositionId`, reason: 'not a disposition of this account' });
  }
  if (problems.length > 0)
    throw AppError.badRequest(
      `invalid action plan: ${problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ')}`,
      problems,
    );
}
