/**
 * XOAUTH2 access tokens for Microsoft 365 and Gmail mailboxes: a refresh-token grant against the provider's
 * token endpoint, cached until shortly before it expires. The refresh token and client secret stay sealed
 * in the account (`oauth2SecretEnc`); only the short-lived access token reaches the IMAP login.
 */
import { OutboundRefusedError, type OutboundGuard } from './outbound';

export interface OAuth2Settings {
  provider: 'microsoft' | 'google';
  clientId: string;
  tenantId?: string;
  tokenUrl?: string;
  scopes?: string[];
}

export interface OAuth2Secrets {
  clientSecret?: string;
  refreshToken?: string;
}

export class OAuth2TokenError extends Error {}

export function tokenEndpoint(settings: OAuth2Settings): string {
  if (settings.tokenUrl) return settings.tokenUrl;
  return settings.provider === 'google'
    ? 'https://oauth2.googleapis.com/token'
    : `https://login.microsoftonline.com/${encodeURIComponent(settings.tenantId ?? 'common')}/oauth2/v2.0/token`;
}

export function defaultScopes(settings: OAuth2Settings): string[] {
  if (settings.scopes && settings.scopes.length > 0) return settings.scopes;
  return settings.provider === 'google'
    ? ['https://mail.google.com/']
    : ['https://outlook.office365.com/IMAP.AccessAsUser.All', 'https://outlook.office365.com/SMTP.Send', 'offline_access'];
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/**
 * A token source per process: `accessToken(key, …)` refreshes when the cached token has less than a minute left.
 * The secrets go only where the outbound guard lets them.
 */
export function createOAuth2TokenSource(options: { outbound: Pick<OutboundGuard, 'request'>; now?: () => number }) {
  const { outbound } = options;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedToken>();
  return {
    async accessToken(key: string, settings: OAuth2Settings, secrets: OAuth2Secrets): Promise<string> {
      const cached = cache.get(key);
      if (cached && cached.expiresAt - 60_000 > now()) return cached.accessToken;
      if (!secrets.refreshToken) throw new OAuth2TokenError('no refresh token is set for this account');
      const body = new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: settings.clientId,
        refresh_token: secrets.refreshToken,
        scope: defaultScopes(settings).join(' '),
        ...(secrets.clientSecret ? { client_secret: secrets.clientSecret } : {}),
      });
      const endpoint = tokenEndpoint(settings);
      const response = await outbound
        .request(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: body.toString(),
          timeoutMs: 15_000,
        })
        .catch((error: Error) => {
          throw error instanceof OutboundRefusedError ? new OAuth2TokenError(`token endpoint refused: ${error.message}`) : error;
        });
      const answer = (await response
        .text()
        .then((text) => JSON.parse(text) as unknown)
        .catch(() => ({}))) as {
        access_token?: string;
        expires_in?: number;
        error?: string;
        error_description?: string;
      };
      if (response.status < 200 || response.status >= 300 || !answer.access_token) {
        throw new OAuth2TokenError(`token endpoint answered ${response.status}: ${answer.error ?? 'no access_token'}`);
      }
      cache.set(key, { accessToken: answer.access_token, expiresAt: now() + (answer.expires_in ?? 3600) * 1000 });
      return answer.access_token;
    },
    forget(key: string): void {
      cache.delete(key);
    },
  };
}

export type OAuth2TokenSource = ReturnType<typeof createOAuth2TokenSource>;
