/**
 * Opening an SMTP session with an account's settings, shared by sending (activities/smtp.ts) and the
 * Verify SMTP endpoint: connect within the connection timeout, log in (password or XOAUTH2) within the
 * authentication timeout, and fail with the server's own error — never hang.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import XOAuth2 from 'nodemailer/lib/xoauth2';
import type { createOAuth2TokenSource, OAuth2Secrets, OAuth2Settings } from './oauth2';
import type { SecretBox } from './secrets';

export interface SmtpAccountSettings {
  smtpHost: string | null;
  smtpPort: number;
  smtpSecure: boolean;
  smtpAuth: boolean;
  smtpUsername: string | null;
  smtpPasswordEnc: string | null;
  connectionTimeoutSeconds: number;
  authTimeoutSeconds: number;
  emailAddress: string;
  /** Public XOAUTH2 settings (services/accounts.ts); the secrets are sealed in oauth2SecretEnc. */
  oauth2: unknown;
  oauth2SecretEnc: string | null;
}

export class SmtpConfigurationError extends Error {
  readonly code = 'ENOHOST';
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

type TokenSource = Pick<ReturnType<typeof createOAuth2TokenSource>, 'accessToken'>;

/**
 * XOAUTH2 instead of a password, when the account has OAuth2 settings with a refresh token. The access token comes
 * from our token source (through the outbound guard), never from nodemailer's own request to the token URL.
 */
async function oauth2Login(account: SmtpAccountSettings, secrets: SecretBox, tokens: TokenSource): Promise<XOAuth2 | undefined> {
  const settings = account.oauth2 as OAuth2Settings | null | undefined;
  if (!settings || !account.oauth2SecretEnc) return undefined;
  const sealed = JSON.parse(secrets.open(account.oauth2SecretEnc)) as OAuth2Secrets;
  if (!sealed.refreshToken) return undefined;
  const user = account.smtpUsername ?? account.emailAddress;
  const accessToken = await tokens.accessToken(`smtp:${user}:${settings.clientId}`, settings, sealed);
  return new XOAuth2({ user, accessToken } as XOAuth2.Options);
}

/** Connects and logs in; the caller must `quit()` the returned connection. */
export async function openSmtpSession(account: SmtpAccountSettings, secrets: SecretBox, tokens: TokenSource): Promise<SMTPConnection> {
  if (!account.smtpHost) throw new SmtpConfigurationError('the account has no SMTP host');
  const connectionMs = account.connectionTimeoutSeconds * 1000;
  const authMs = account.authTimeoutSeconds * 1000;
  const connection = new SMTPConnection({
    host: account.smtpHost,
    port: account.smtpPort,
    secure: account.smtpSecure,
    connectionTimeout: connectionMs,
    greetingTimeout: connectionMs,
    socketTimeout: 60_000,
    // Plain SMTP on loopback test servers must not be upgraded with STARTTLS they cannot do.
    ignoreTLS: !account.smtpSecure && LOOPBACK.includes(account.smtpHost),
  });
  // An 'error' event (refused connection, TLS failure) fails whichever step is waiting.
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
    const oauth2 = account.smtpAuth ? await oauth2Login(account, secrets, tokens) : undefined;
    await step<void>(connectionMs, 'connection', (callback) => connection.connect(() => callback(null)));
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
    return connection;
  } catch (error) {
    connection.close();
    throw error;
  }
}
