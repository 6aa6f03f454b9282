/**
 * Verify SMTP: connect (and log in, when the account authenticates) with an account's settings, within
 * its connection and authentication timeouts, and report success or the server's exact error.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import XOAuth2 from 'nodemailer/lib/xoauth2';
import type { SecretBox } from '../../lib/secrets';

export interface SmtpVerifySettings {
  smtpHost: string | null;
  smtpPort: number;
  smtpSecure: boolean;
  smtpAuth: boolean;
  smtpUsername: string | null;
  smtpPasswordEnc: string | null;
  connectionTimeoutSeconds: number;
  authTimeoutSeconds: number;
  emailAddress: string;
  /** Public XOAUTH2 settings (see api/services/accounts.ts); the secrets are in oauth2SecretEnc. */
  oauth2: unknown;
  oauth2SecretEnc: string | null;
}

/** Token endpoints of the two providers, when the account names none. */
const TOKEN_URLS = {
  google: () => 'https://oauth2.googleapis.com/token',
  microsoft: (tenant?: string) => `https://login.microsoftonline.com/${encodeURIComponent(tenant || 'common')}/oauth2/v2.0/token`,
};
const DEFAULT_SCOPES = { google: ['https://mail.google.com/'], microsoft: ['https://outlook.office365.com/SMTP.Send', 'offline_access'] };

/** XOAUTH2 instead of a password, when the account has OAuth2 settings with a refresh token. */
function oauth2Login(account: SmtpVerifySettings, secrets: SecretBox, timeoutMs: number): XOAuth2 | undefined {
  const settings = account.oauth2 as
    { provider: 'google' | 'microsoft'; clientId: string; tenantId?: string; tokenUrl?: string; scopes?: string[] } | null | undefined;
  if (!settings || !account.oauth2SecretEnc) return undefined;
  const sealed = JSON.parse(secrets.open(account.oauth2SecretEnc)) as { clientSecret?: string; refreshToken?: string };
  if (!sealed.refreshToken) return undefined;
  const scopes = settings.scopes?.length ? settings.scopes : DEFAULT_SCOPES[settings.provider];
  return new XOAuth2({
    user: account.smtpUsername ?? account.emailAddress,
    clientId: settings.clientId,
    clientSecret: sealed.clientSecret,
    refreshToken: sealed.refreshToken,
    accessUrl: settings.tokenUrl ?? TOKEN_URLS[settings.provider](settings.tenantId),
    customParams: { scope: scopes.join(' ') },
    requestTimeout: timeoutMs,
  } as XOAuth2.Options);
}

export interface SmtpVerifyResult {
  ok: boolean;
  host: string | null;
  port: number;
  elapsedMs: number;
  error?: string;
  code?: string;
  responseCode?: number;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

export async function verifySmtp(account: SmtpVerifySettings, secrets: SecretBox): Promise<SmtpVerifyResult> {
  const started = Date.now();
  const base = { host: account.smtpHost, port: account.smtpPort };
  if (!account.smtpHost) return { ...base, ok: false, elapsedMs: 0, error: 'the account has no SMTP host', code: 'ENOHOST' };
  const connectionMs = account.connectionTimeoutSeconds * 1000;
  const authMs = account.authTimeoutSeconds * 1000;
  const connection = new SMTPConnection({
    host: account.smtpHost,
    port: account.smtpPort,
    secure: account.smtpSecure,
    connectionTimeout: connectionMs,
    greetingTimeout: connectionMs,
    socketTimeout: connectionMs + authMs,
    ignoreTLS: !account.smtpSecure && LOOPBACK.includes(account.smtpHost),
  });
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => (fail = reject));
  failed.catch(() => undefined);
  connection.on('error', (error: Error) => fail(error));
  const step = <T>(ms: number, what: string, start: (callback: (error: Error | null, value?: T) => void) => void) =>
    Promise.race([
      failed,
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(Object.assign(new Error(`${what} timed out after ${ms / 1000} s`), { code: 'ETIMEDOUT' })),
          ms,
        );
        start((error, value) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(value as T);
        });
      }),
    ]);
  try {
    await step<void>(connectionMs, 'connection', (callback) => connection.connect(() => callback(null)));
    const oauth2 = account.smtpAuth ? oauth2Login(account, secrets, authMs) : undefined;
    if (oauth2) {
      await step<unknown>(authMs, 'authentication', (callback) =>
        connection.login({ type: 'oauth2', user: account.smtpUsername ?? account.emailAddress, oauth2 } as never, (error) =>
          callback(error ?? null),
        ),
      );
    } else if (account.smtpAuth && account.smtpUsername) {
      const pass = account.smtpPasswordEnc ? secrets.open(account.smtpPasswordEnc) : '';
      await step<unknown>(authMs, 'authentication', (callback) =>
        connection.login({ user: account.smtpUsername!, pass }, (error) => callback(error ?? null)),
      );
    }
    return { ...base, ok: true, elapsedMs: Date.now() - started };
  } catch (error) {
    const smtpError = error as Error & { code?: string; responseCode?: number };
    return {
      ...base,
      ok: false,
      elapsedMs: Date.now() - started,
      error: smtpError.message,
      ...(typeof smtpError.code === 'string' ? { code: smtpError.code } : {}),
      ...(typeof smtpError.responseCode === 'number' ? { responseCode: smtpError.responseCode } : {}),
    };
  } finally {
    try {
      connection.quit();
    } catch {
      connection.close();
    }
  }
}
