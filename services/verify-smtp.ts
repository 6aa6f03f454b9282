/**
 * Verify SMTP: connect (and log in, when the account authenticates) with an account's settings, within
 * its connection and authentication timeouts, and report success or the server's exact error.
 */
import { openSmtpSession, type SmtpAccountSettings } from '../platform/smtp-session';
import { createOAuth2TokenSource } from '../platform/oauth2';
import type { OutboundGuard } from '../platform/outbound';
import type { SecretBox } from '../platform/secrets';

export type SmtpVerifySettings = SmtpAccountSettings;

export interface SmtpVerifyResult {
  ok: boolean;
  host: string | null;
  port: number;
  elapsedMs: number;
  error?: string;
  code?: string;
  responseCode?: number;
}

/** A fresh token each time: Verify SMTP checks the settings as they are now. */
export async function verifySmtp(
  account: SmtpVerifySettings,
  secrets: SecretBox,
  outbound: Pick<OutboundGuard, 'request'>,
): Promise<SmtpVerifyResult> {
  const started = Date.now();
  const base = { host: account.smtpHost, port: account.smtpPort };
  try {
    const connection = await openSmtpSession(account, secrets, createOAuth2TokenSource({ outbound }));
    try {
      connection.quit();
    } catch {
      connection.close();
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
  }
}
