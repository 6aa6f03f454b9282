/** Rows as the API shows them: dates as ISO strings, secrets and hashes left out. */
import type { OAuth2Settings } from '../domain/account';
import { formatHeadersFilter, headersFilterToImapSearch, type HeaderFilterRule } from '../domain/headers-filter';
import type { AccountRow } from '../store/accounts';
import type { ActionPlanVersionRow } from '../store/action-plans';
import type { CannedAnswerRow } from '../store/canned-answers';
import type { ContactRow } from '../store/contacts';
import type { QueueRow } from '../store/queues';
import type { GlobalSettingsRow } from '../store/settings';
import type { TokenRow } from '../store/tokens';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** An account with its secrets reduced to "set or not" and its headers filter as text, rules and IMAP SEARCH. */
export function presentAccount(account: AccountRow) {
  const { imapPasswordEnc, smtpPasswordEnc, oauth2SecretEnc: _sealed, headersFilter, oauth2, createdAt, updatedAt, ...rest } = account;
  const rules = headersFilter as unknown as HeaderFilterRule[];
  return {
    ...rest,
    headersFilter: formatHeadersFilter(rules),
    headersFilterRules: rules,
    imapSearch: headersFilterToImapSearch(rules),
    imapPasswordSet: imapPasswordEnc !== null,
    smtpPasswordSet: smtpPasswordEnc !== null,
    oauth2: (oauth2 as OAuth2Settings | null) ?? null,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

export function presentQueue(queue: QueueRow) {
  const { id, name, description, strategy, offerTimeoutSeconds, notRespondingPauseStatusId, createdAt, updatedAt } = queue;
  return {
    id,
    name,
    description,
    strategy,
    offerTimeoutSeconds,
    notRespondingPauseStatusId,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

export function presentCannedAnswer(answer: CannedAnswerRow) {
  return { ...answer, createdAt: answer.createdAt.toISOString(), updatedAt: answer.updatedAt.toISOString() };
}

export function presentContact(contact: ContactRow) {
  return { ...contact, createdAt: contact.createdAt.toISOString() };
}

export function presentToken(token: TokenRow) {
  const { id, userId, name, createdAt, lastUsedAt, expiresAt, revokedAt } = token;
  return {
    id,
    userId,
    name,
    createdAt: createdAt.toISOString(),
    lastUsedAt: iso(lastUsedAt),
    expiresAt: iso(expiresAt),
    revokedAt: iso(revokedAt),
  };
}

export function presentPlan(plan: ActionPlanVersionRow) {
  return { version: plan.version, steps: plan.steps as unknown[], createdAt: plan.createdAt.toISOString() };
}

export function presentSettings(row: GlobalSettingsRow) {
  return { loginMailFrequencySeconds: row.loginMailFrequencySeconds, updatedAt: row.updatedAt.toISOString() };
}
