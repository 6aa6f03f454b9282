/**
 * Verify SMTP: connect (and log in, when the account authenticates) with an account's settings, within
 * its connection and authentication timeouts, and report success or the server's exact error.
 */
import { openSmtpSession, type SmtpAccountSettings } from '../platform/smtp-session';
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

export async function verifySmtp(account: SmtpVerifySettings, secrets: SecretBox): Promise<SmtpVerifyResult> {
  const started = Date.now();
  const base = { host: account.smtpHost, port: account.smtpPort };
  try {
    const connection = await openSmtpSession(account, secrets);
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
