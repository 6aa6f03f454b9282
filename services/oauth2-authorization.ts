/**
 * Signing an account in at Microsoft 365 or Google: the OAuth2 authorization-code flow with PKCE (RFC 7636, S256).
 *
 * 1. `start`: a random state and code verifier; the request is stored (state and browser nonce as hashes, the
 *    verifier sealed), bound to the admin's session, their browser and the account, usable once within 10 minutes.
 *    The admin's browser is sent to the provider with the state and the verifier's challenge; the verifier stays here.
 * 2. `finish`: the provider sends the browser back with a code (or an error). The stored request is marked used
 *    before anything else, so a state works once, whatever happens next; then the browser, the session and the
 *    deadline are checked, the code is exchanged with the verifier (and the client secret, if any), and the refresh
 *    token is sealed into the account with the address that signed in. Any failure stores nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PROVIDER_TOKEN_HOSTS, type OAuth2Settings } from '../domain/account';
import { ConflictError, InvalidInputError } from '../domain/errors';
import type { Actor } from '../domain/people';
import { providerErrorCode, type SignInOutcome } from '../domain/oauth2-sign-in';
import type { Logger } from '../platform/logger';
import { tokenEndpoint } from '../platform/oauth2';
import type { OutboundGuard } from '../platform/outbound';
import type { SecretBox } from '../platform/secrets';
import type { Store } from '../store';
import type { AccountRow } from '../store/accounts';
import type { WatcherControl } from './mailbox-watchers';

export const SIGN_IN_SECONDS = 600;
export const CALLBACK_PATH = '/api/oauth2/callback';

const AUTHORIZATION_HOSTS: Record<'microsoft' | 'google', string[]> = {
  microsoft: PROVIDER_TOKEN_HOSTS.microsoft,
  google: ['accounts.google.com'],
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const randomToken = (bytes: number) => randomBytes(bytes).toString('base64url');

/** The callback address the provider must know, under the platform's public base URL. */
export function redirectUriFor(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${CALLBACK_PATH}`;
}

/** Where the admin signs in: the account's own authorization URL, else the provider's (Microsoft: the tenant's). */
export function authorizationEndpoint(settings: Pick<OAuth2Settings, 'provider' | 'tenantId' | 'authorizationUrl'>): string {
  if (settings.authorizationUrl) return settings.authorizationUrl;
  return settings.provider === 'google'
    ? 'https://accounts.google.com/o/oauth2/v2/auth'
    : `https://login.microsoftonline.com/${encodeURIComponent(settings.tenantId || 'common')}/oauth2/v2.0/authorize`;
}

/** IMAP and SMTP access that lasts (a refresh token), and the signed-in address (OpenID `email`). */
export function signInScopes(settings: Pick<OAuth2Settings, 'provider' | 'scopes'>): string[] {
  if (settings.scopes && settings.scopes.length > 0) return settings.scopes;
  return settings.provider === 'google'
    ? ['https://mail.google.com/', 'openid', 'email']
    : ['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send', 'offline_access', 'openid', 'email'];
}

/** RFC 7636 S256: BASE64URL(SHA256(verifier)). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * The address in the ID token the token endpoint gave us. It came straight from the provider over the connection
 * we opened (OpenID Connect Core §3.1.3.7), so its claims are read without checking its signature.
 */
export function signedInAddress(idToken: unknown): string | undefined {
  if (typeof idToken !== 'string') return undefined;
  try {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const address = [claims.email, claims.preferred_username, claims.upn].find((value) => typeof value === 'string' && value.length > 0);
    return typeof address === 'string' ? address.slice(0, 320) : undefined;
  } catch {
    return undefined;
  }
}

export interface SignInResult {
  outcome: SignInOutcome;
  /** The account to return the admin to, when known. */
  accountId?: number;
  /** The provider's error code. */
  detail?: string;
}

export interface OAuth2AuthorizationDeps {
  store: Pick<Store, 'accounts' | 'oauth2Authorizations' | 'tokens'>;
  secrets: SecretBox;
  outbound: Pick<OutboundGuard, 'request' | 'problem' | 'allowListed'>;
  watchers: Pick<WatcherControl, 'sync'>;
  logger: Logger;
  now?: () => Date;
}

export function createOAuth2Authorization({ store, secrets, outbound, watchers, logger, now = () => new Date() }: OAuth2AuthorizationDeps) {
  /** The authorization URL gets no secret, but the admin's browser is sent there: the provider's, or allow-listed. */
  function checkAuthorizationUrl(settings: OAuth2Settings): void {
    const url = settings.authorizationUrl;
    if (!url) return;
    const provider = settings.provider as 'microsoft' | 'google';
    const problem =
      outbound.problem(url) ??
      (outbound.allowListed(url) || AUTHORIZATION_HOSTS[provider].includes(new URL(url).hostname)
        ? null
        : `must be ${provider}'s sign-in page (${AUTHORIZATION_HOSTS[provider].join(', ')}) or a host in MAILROUTE_OUTBOUND_ALLOW`);
    if (problem) throw InvalidInputError.field('oauth2.authorizationUrl', problem);
  }

  /** The code for the refresh token, or why not (as an outcome and the provider's error code). */
  async function exchange(
    settings: OAuth2Settings,
    clientSecret: string | undefined,
    code: string,
    verifier: string,
    redirectUri: string,
  ): Promise<{ refreshToken?: string; idToken?: unknown; error?: string }> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: settings.clientId,
      code_verifier: verifier,
      ...(clientSecret ? { client_secret: clientSecret } : {}),
    });
    try {
      const response = await outbound.request(tokenEndpoint(settings as Parameters<typeof tokenEndpoint>[0]), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        timeoutMs: 15_000,
      });
      const answer = (await response
        .text()
        .then((text) => JSON.parse(text) as Record<string, unknown>)
        .catch(() => ({}))) as Record<string, unknown>;
      if (response.status < 200 || response.status >= 300) return { error: providerErrorCode(answer.error) ?? `http-${response.status}` };
      return { refreshToken: typeof answer.refresh_token === 'string' ? answer.refresh_token : undefined, idToken: answer.id_token };
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'OAuth2 token endpoint unreachable');
      return { error: 'unreachable' };
    }
  }

  /** Seals the refresh token into the account (retried once if the account was saved meanwhile). */
  async function keepRefreshToken(account: AccountRow, settings: OAuth2Settings, refreshToken: string, signedInAs: string | undefined) {
    for (let attempt = 0; ; attempt++) {
      const previous = account.oauth2SecretEnc ? (JSON.parse(secrets.open(account.oauth2SecretEnc)) as { clientSecret?: string }) : {};
      const { signedInAs: _before, ...rest } = (account.oauth2 as unknown as OAuth2Settings | null) ?? settings;
      const columns = {
        oauth2: { ...rest, clientSecretSet: Boolean(previous.clientSecret), refreshTokenSet: true, ...(signedInAs ? { signedInAs } : {}) },
        oauth2SecretEnc: secrets.seal(JSON.stringify({ clientSecret: previous.clientSecret, refreshToken })),
      };
      if (await store.accounts.updateIfUnchanged(account.id, account.updatedAt, columns)) return;
      const again = await store.accounts.find(account.id);
      if (!again || !again.oauth2 || attempt > 0) throw new Error(`email account ${account.id} kept changing during the sign-in`);
      account = again;
    }
  }

  return {
    /** Starts a sign-in: the provider's address to send the admin's browser to, and the browser nonce to keep. */
    async start(input: { account: AccountRow; user: Actor; sessionToken: string; browserNonce?: string; redirectUri: string }) {
      const settings = input.account.oauth2 as unknown as OAuth2Settings | null;
      if (!settings) throw new ConflictError('the account has no OAuth2 settings: save its provider and client ID first');
      checkAuthorizationUrl(settings);
      const state = randomToken(32);
      const verifier = randomToken(48);
      const browserNonce = input.browserNonce && /^[\w-]{43}$/.test(input.browserNonce) ? input.browserNonce : randomToken(32);
      const expiresAt = new Date(now().getTime() + SIGN_IN_SECONDS * 1000);
      await store.oauth2Authorizations.create({
        stateHash: sha256(state),
        browserHash: sha256(browserNonce),
        sessionHash: sha256(input.sessionToken),
        userId: input.user.id,
        accountId: input.account.id,
        verifierEnc: secrets.seal(verifier),
        redirectUri: input.redirectUri,
        expiresAt,
      });
      const url = new URL(authorizationEndpoint(settings));
      const loginHint = input.account.imapUsername?.includes('@') ? input.account.imapUsername : input.account.emailAddress;
      const parameters: Record<string, string> = {
        client_id: settings.clientId,
        response_type: 'code',
        redirect_uri: input.redirectUri,
        scope: signInScopes(settings).join(' '),
        state,
        code_challenge: codeChallenge(verifier),
        code_challenge_method: 'S256',
        login_hint: loginHint,
        // Google gives a refresh token only with offline access, and again only when consent is asked again.
        ...(settings.provider === 'google' ? { access_type: 'offline', prompt: 'consent' } : { response_mode: 'query' }),
      };
      for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
      logger.info({ accountId: input.account.id, actorId: input.user.id, provider: settings.provider }, 'OAuth2 sign-in started');
      return { authorizationUrl: url.href, browserNonce, expiresAt };
    },

    /** Ends a sign-in from the provider's redirect; nothing is stored unless the outcome is `signed-in`. */
    async finish(input: { state?: string; code?: string; error?: string; browserNonce?: string }): Promise<SignInResult> {
      const browserHash = input.browserNonce ? sha256(input.browserNonce) : undefined;
      const ownAccount = async () => (browserHash ? await store.oauth2Authorizations.latestOfBrowser(browserHash) : null)?.accountId;
      const used = input.state ? await store.oauth2Authorizations.use(sha256(input.state), now()) : null;
      if (!used || used.row.browserHash !== browserHash) return { outcome: 'state-mismatch', accountId: await ownAccount() };
      const { row, first } = used;
      const accountId = row.accountId;
      if (!first) return { outcome: 'state-used', accountId };
      if (row.expiresAt.getTime() <= now().getTime()) return { outcome: 'state-expired', accountId };
      const session = await store.tokens.findByHash(row.sessionHash);
      if (
        !session ||
        session.revokedAt ||
        (session.expiresAt && session.expiresAt <= now()) ||
        session.userId !== row.userId ||
        session.user.role !== 'admin'
      )
        return { outcome: 'session-ended', accountId };
      if (input.error) {
        const detail = providerErrorCode(input.error);
        const refused = ['access_denied', 'consent_required', 'interaction_required', 'login_required'].includes(input.error);
        return { outcome: refused ? 'denied' : 'provider-error', accountId, detail };
      }
      if (!input.code) return { outcome: 'provider-error', accountId };
      const account = await store.accounts.find(accountId);
      if (!account) return { outcome: 'account-gone' };
      const settings = account.oauth2 as unknown as OAuth2Settings | null;
      if (!settings) return { outcome: 'settings-removed', accountId };
      const clientSecret = account.oauth2SecretEnc
        ? (JSON.parse(secrets.open(account.oauth2SecretEnc)) as { clientSecret?: string }).clientSecret
        : undefined;
      const answer = await exchange(settings, clientSecret, input.code, secrets.open(row.verifierEnc), row.redirectUri);
      if (answer.error) {
        logger.warn({ accountId, error: answer.error }, 'OAuth2 sign-in: the token endpoint refused the code');
        return { outcome: 'token-error', accountId, detail: answer.error };
      }
      if (!answer.refreshToken) return { outcome: 'no-refresh-token', accountId };
      const signedInAs = signedInAddress(answer.idToken);
      await keepRefreshToken(account, settings, answer.refreshToken, signedInAs);
      await store.accounts.recordChange(row.userId, 'updated', accountId, {
        oauth2: { refreshToken: '[set]', signedInAs: signedInAs ?? null },
      });
      logger.info({ accountId, actorId: row.userId, signedInAs }, 'OAuth2 sign-in stored a refresh token');
      const updated = await store.accounts.find(accountId);
      if (updated) await watchers.sync(updated, 'updated');
      // The page shows the address the account stores, not one from its own address bar.
      return { outcome: 'signed-in', accountId };
    },
  };
}

export type OAuth2Authorization = ReturnType<typeof createOAuth2Authorization>;
