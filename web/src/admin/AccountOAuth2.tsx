/**
 * The account's OAuth2 section: the provider's settings, the redirect URI to register there, and "Sign in with
 * Microsoft / Google", which sends the admin to the provider and back (the platform keeps the refresh token sealed).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OAuth2Settings } from '../../../domain/account';
import { signInOutcomeSentence, SIGN_IN_OUTCOMES, type SignInOutcome } from '../../../domain/oauth2-sign-in';
import { get, patch, post } from '../api';
import type { Account } from '../types';
import { ErrorText, useLoad } from '../ui';
import { ResourceForm, type FieldSpec } from './forms';

type AccountWithOAuth2 = Account & { oauth2: OAuth2Settings | null };

const PROVIDER_NAMES: Record<string, string> = { microsoft: 'Microsoft', google: 'Google' };

const FIELDS: FieldSpec[] = [
  { name: 'oauth2', label: 'OAuth2 sign-in (Microsoft 365, Google)', kind: 'heading' },
  {
    name: 'provider',
    label: 'Provider',
    kind: 'select',
    nullable: true,
    options: [
      ['', 'None (log in with passwords)'],
      ['microsoft', 'Microsoft 365'],
      ['google', 'Google'],
    ],
    hint: 'Log in to IMAP and SMTP with a token from a sign-in at the provider instead of a password. Default: none.',
  },
  { name: 'clientId', label: 'Client ID', kind: 'text', hint: 'The application (client) ID registered at the provider.' },
  {
    name: 'clientSecret',
    label: 'Client secret',
    kind: 'password',
    hint: 'The application’s secret, if it has one. Stored encrypted and never shown; leave it empty to keep the current one.',
  },
  {
    name: 'tenantId',
    label: 'Tenant (Microsoft)',
    kind: 'text',
    nullable: true,
    hint: 'The directory (tenant) ID or domain. Default: common.',
  },
  {
    name: 'authorizationUrl',
    label: 'Authorization URL',
    kind: 'text',
    nullable: true,
    hint: 'Only for a compatible or self-hosted provider. Empty: the provider’s own sign-in page.',
  },
  {
    name: 'tokenUrl',
    label: 'Token URL',
    kind: 'text',
    nullable: true,
    hint: 'Only for a compatible or self-hosted provider. Empty: the provider’s own.',
  },
];

/** The outcome the sign-in's callback put in the address (`?oauth2=…&account=…`), if it is about this account. */
export function signInOutcomeOf(search: string): { outcome: SignInOutcome; accountId: number | null; detail?: string } | null {
  const query = new URLSearchParams(search);
  const outcome = query.get('oauth2') as SignInOutcome | null;
  if (!outcome || !SIGN_IN_OUTCOMES.includes(outcome)) return null;
  const account = Number(query.get('account'));
  return { outcome, accountId: Number.isInteger(account) && account > 0 ? account : null, detail: query.get('detail') ?? undefined };
}

/** How the last sign-in ended, on the account page it returned to. */
export function SignInOutcomeText({ outcome, detail }: { outcome: SignInOutcome; detail?: string }) {
  const text = signInOutcomeSentence(outcome, detail);
  return (
    <p class={outcome === 'signed-in' ? 'notice' : 'error'} role={outcome === 'signed-in' ? 'status' : 'alert'}>
      {text}
    </p>
  );
}

export function AccountOAuth2({
  account,
  returned,
}: {
  account: AccountWithOAuth2;
  /** How the sign-in the admin just came back from ended. */
  returned?: { outcome: SignInOutcome; detail?: string };
}) {
  const [oauth2, setOAuth2] = useState(account.oauth2);
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    if (returned) section.current?.scrollIntoView({ block: 'start' });
  }, [returned]);
  const [error, setError] = useState<unknown>(null);
  const settings = useLoad(() => get<{ redirectUri: string }>('/oauth2/settings'), []);
  const provider = oauth2 ? (PROVIDER_NAMES[oauth2.provider] ?? oauth2.provider) : null;
  const record = {
    provider: oauth2?.provider ?? '',
    clientId: oauth2?.clientId ?? '',
    tenantId: oauth2?.tenantId ?? '',
    authorizationUrl: oauth2?.authorizationUrl ?? '',
    tokenUrl: oauth2?.tokenUrl ?? '',
  };
  const signIn = async () => {
    try {
      setError(null);
      const started = await post<{ authorizationUrl: string }>(`/accounts/${account.id}/oauth2/authorize`);
      location.assign(started.authorizationUrl);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section ref={section} class="account-oauth2" aria-label={`OAuth2 sign-in of ${account.key}`}>
      {returned && <SignInOutcomeText {...returned} />}
      <ResourceForm
        key={`oauth2-${account.id}`}
        label={`OAuth2 settings of ${account.key}`}
        fields={FIELDS}
        record={record}
        submitLabel="Save OAuth2 settings"
        onSubmit={async (changed) => {
          const values = { ...record, ...changed } as Record<string, string | null | undefined>;
          if (!values.provider) {
            const saved = await patch<AccountWithOAuth2>(`/accounts/${account.id}`, { oauth2: null });
            setOAuth2(saved.oauth2);
            return;
          }
          const text = (name: string) => (values[name] ? { [name]: values[name] } : {});
          const saved = await patch<AccountWithOAuth2>(`/accounts/${account.id}`, {
            oauth2: {
              provider: values.provider,
              clientId: values.clientId ?? '',
              ...text('clientSecret'),
              ...text('tenantId'),
              ...text('authorizationUrl'),
              ...text('tokenUrl'),
              ...(oauth2?.scopes ? { scopes: oauth2.scopes } : {}),
            },
          });
          setOAuth2(saved.oauth2);
        }}
      />
      <div class="oauth2-sign-in">
        <p>
          Redirect URI to register at the provider: <code>{settings.data?.redirectUri ?? '…'}</code>
        </p>
        <p role="status">
          {oauth2?.refreshTokenSet
            ? oauth2.signedInAs
              ? `Signed in as ${oauth2.signedInAs}.`
              : 'A refresh token is set (given through the API).'
            : 'Not signed in yet.'}
        </p>
        {provider ? (
          <button type="button" class="primary" onClick={() => void signIn()}>
            Sign in with {provider}
          </button>
        ) : (
          <p class="muted">Choose a provider, enter the client ID and save to sign in.</p>
        )}
        <ErrorText error={error ?? settings.error} />
      </div>
    </section>
  );
}
