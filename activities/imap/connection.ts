/**
 * Reaching an account's IMAP server: credentials (XOAUTH2 or password), connection options within the account's
 * timeouts, a bounded LOGOUT, and the waits a heartbeating activity makes while it talks to the server.
 */
import type { Context } from '@temporalio/activity';
import type { ImapFlow } from 'imapflow';
import type { OAuth2Secrets, OAuth2Settings, OAuth2TokenSource } from '../../platform/oauth2';
import type { SecretBox } from '../../platform/secrets';

export interface ImapCredentials {
  user: string;
  pass?: string;
  accessToken?: string;
}

/** XOAUTH2 with a fresh access token when the account has OAuth2 settings, the password otherwise. */
export function createImapCredentials(secrets: SecretBox, tokens: OAuth2TokenSource) {
  return {
    async of(account: {
      id: number;
      imapUsername: string | null;
      imapPasswordEnc: string | null;
      oauth2: unknown;
      oauth2SecretEnc: string | null;
    }): Promise<ImapCredentials> {
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

/** How to reach an account's IMAP server, within its connection and authentication timeouts. */
export function connectionOptions(
  account: { imapHost: string | null; imapPort: number; imapSsl: boolean; connectionTimeoutSeconds: number; authTimeoutSeconds: number },
  auth: ImapCredentials,
) {
  return {
    host: account.imapHost ?? '127.0.0.1',
    port: account.imapPort,
    secure: account.imapSsl,
    auth,
    logger: false as const,
    connectionTimeout: account.connectionTimeoutSeconds * 1000,
    greetingTimeout: account.authTimeoutSeconds * 1000,
  };
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

export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
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
