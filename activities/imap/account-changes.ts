/**
 * What an account change means to a running mailbox watch: settings that reach the server (where, who, which
 * mailbox) need a new connection; the others (header filter, mark as unread, duplicate check…) apply to the next
 * email taken on the same connection.
 */
import { isDeepStrictEqual } from 'node:util';

const CONNECTION_SETTINGS = [
  'imapHost',
  'imapPort',
  'imapSsl',
  'imapAuth',
  'imapUsername',
  'imapPasswordEnc',
  'oauth2',
  'oauth2SecretEnc',
  'mailbox',
  'connectionTimeoutSeconds',
  'authTimeoutSeconds',
] as const;

/** The settings that differ and need a new IMAP session, empty when the connection can stay. */
export function connectionSettingsChanged<T extends object>(before: T, after: T): string[] {
  const setting = (account: T, name: string) => (account as Record<string, unknown>)[name];
  return CONNECTION_SETTINGS.filter((name) => !isDeepStrictEqual(setting(before, name), setting(after, name)));
}
