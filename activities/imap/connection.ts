/**
 * Reaching an account's IMAP server: credentials (XOAUTH2 or password), connection options within the account's
 * timeouts, a bounded LOGOUT, and the waits a heartbeating activity makes while it talks to the server.
 */
import type { Context } from '@temporalio/activity';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { OAuth2Secrets, OAuth2Settings, OAuth2TokenSource } from '../../platform/oauth2';
import type { SecretBox } from '../../platform/secrets';

export interface ImapCredentials {
  user: string;
  pass?: string;
  accessToken?: string;
}

/**
 * XOAUTH2 with a fresh access token when the account has OAuth2 settings, the password otherwise; none when the
 * account's IMAP login is off (the server gives an authenticated session by itself, PREAUTH).
 */
export function createImapCredentials(secrets: SecretBox, tokens: OAuth2TokenSource) {
  return {
    async of(account: {
      id: number;
      imapAuth: boolean;
      imapUsername: string | null;
      imapPasswordEnc: string | null;
      oauth2: unknown;
      oauth2SecretEnc: string | null;
    }): Promise<ImapCredentials | undefined> {
      if (!account.imapAuth) return undefined;
      const user = account.imapUsername ?? '';
      if (account.oauth2 && typeof account.oauth2 === 'object') {
        const sealed = account.oauth2SecretEnc ? (JSON.parse(secrets.open(account.oauth2SecretEnc)) as OAuth2Secrets) : {};
        return { user, accessToken: await tokens.accessToken(`account-${account.id}`, account.oauth2 as OAuth2Settings, sealed) };
      }
      return { user, pass: account.imapPasswordEnc ? secrets.open(account.imapPasswordEnc) : '' };
    },

    /** A refused token may have been revoked before it expired: the next try asks for a new one. */
    forget(accountId: number): void {
      tokens.forget(`account-${accountId}`);
    },
  };
}

export type ImapCredentialSource = ReturnType<typeof createImapCredentials>;

export interface ImapServerSettings {
  imapHost: string | null;
  imapPort: number;
  imapSsl: boolean;
  imapAuth: boolean;
  connectionTimeoutSeconds: number;
  authTimeoutSeconds: number;
}

/** How to reach an account's IMAP server: the connection timeout covers the TCP connect and the server's greeting. */
export function connectionOptions(account: ImapServerSettings, auth: ImapCredentials | undefined): ImapFlowOptions {
  return {
    host: account.imapHost ?? '127.0.0.1',
    port: account.imapPort,
    secure: account.imapSsl,
    ...(auth ? { auth } : {}),
    logger: false as const,
    connectionTimeout: account.connectionTimeoutSeconds * 1000,
    greetingTimeout: account.connectionTimeoutSeconds * 1000,
  };
}

/** The login did not end within the account's authentication timeout. */
export class ImapLoginTimeoutError extends Error {
  readonly code = 'IMAP_LOGIN_TIMEOUT';
  constructor(seconds: number) {
    super(`the IMAP server did not answer the login within the authentication timeout (${seconds} s)`);
  }
}

/** The account's IMAP login is off, and the server did not authenticate the session by itself (no PREAUTH). */
export class ImapLoginOffError extends Error {
  readonly code = 'IMAP_LOGIN_OFF';
  constructor() {
    super(
      'IMAP login is off for this account, but the server asks for one (its greeting was not PREAUTH): turn IMAP login on, or use a server that authenticates the connection itself',
    );
  }
}

/**
 * An IMAP client for the account. imapflow bounds the greeting, not the login: the login (LOGIN or AUTHENTICATE,
 * from the moment it is sent) is bounded here by the account's authentication timeout. With the account's login
 * off, nothing is sent: a PREAUTH session is used as the server gives it, any other is refused with the reason.
 */
export function createImapClient(
  account: ImapServerSettings,
  auth: ImapCredentials | undefined,
  extra: Partial<ImapFlowOptions> = {},
): ImapFlow {
  const client = new ImapFlow({ ...connectionOptions(account, auth), ...extra });
  // imapflow's session setup calls authenticate() once, after CAPABILITY (and STARTTLS); a PREAUTH session skips it.
  const session = client as unknown as { authenticate(): Promise<boolean> };
  const login = session.authenticate.bind(client);
  session.authenticate = async () => {
    try {
      return await withTimeout(login(), account.authTimeoutSeconds * 1000, () => new ImapLoginTimeoutError(account.authTimeoutSeconds));
    } catch (error) {
      if (!account.imapAuth && !(error instanceof ImapLoginTimeoutError)) throw new ImapLoginOffError();
      throw error;
    }
  };
  return client;
}

/**
 * What went wrong, in words an admin can act on: imapflow's own message is often just "Command failed", the
 * server's answer (e.g. `[AUTHENTICATIONFAILED] Authentication failed.`) is in the error's fields.
 */
export function imapErrorText(error: unknown): string {
  const details = error as { message?: string; authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string };
  const server = [details.serverResponseCode ? `[${details.serverResponseCode}]` : '', details.responseText ?? ''].join(' ').trim();
  const prefix = details.authenticationFailed ? 'authentication failed' : (details.message ?? String(error));
  return server ? `${prefix}: ${server}` : prefix;
}

/**
 * The server's own refusal of a command, as it said it (`NO [OVERQUOTA] Over quota`); null when the command did not
 * get a NO or BAD (the connection failed, a timeout…).
 */
export function imapRefusal(error: unknown): string | null {
  const details = error as { responseStatus?: string; serverResponseCode?: string; responseText?: string };
  if (details.responseStatus !== 'NO' && details.responseStatus !== 'BAD') return null;
  const code = details.serverResponseCode ? `[${details.serverResponseCode}]` : '';
  return [details.responseStatus, code, details.responseText ?? ''].filter((part) => part !== '').join(' ');
}

/** LOGOUT when the connection still works, bounded; the socket is closed in every case (a dead one can hang LOGOUT). */
export async function closeQuietly(client: ImapFlow): Promise<void> {
  if (client.usable) {
    await withTimeout(
      client.logout().catch(() => undefined),
      3_000,
      'LOGOUT timed out',
    ).catch(() => undefined);
  }
  client.close();
}

export function withTimeout<T>(work: Promise<T>, ms: number, message: string | (() => Error)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(typeof message === 'string' ? new Error(message) : message()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Keeps heartbeating while one bounded step (connect, login, SELECT) runs. */
export async function withHeartbeats<T>(context: Context, work: Promise<T>): Promise<T> {
  const timer = setInterval(() => context.heartbeat(), 1_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

export async function sleepWithHeartbeat(context: Context, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !context.cancellationSignal.aborted) {
    context.heartbeat();
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, deadline - Date.now())));
  }
}
