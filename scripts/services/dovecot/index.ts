/**
 * Throwaway Dovecot (2.3) IMAP servers for tests and local development.
 *
 * One instance lives entirely inside its own `baseDir` (config, passwd-file, log, mail, state and,
 * when the path is short enough, the runtime socket directory). The master process daemonizes, so an
 * instance started in one process (jest globalSetup) can be used, restarted and stopped from any other
 * process that holds the JSON-serialisable {@link DovecotHandle}.
 *
 * - instance.ts: the handle and the instance directory's layout
 * - config.ts, oauth2.ts: dovecot.conf, and its XOAUTH2 variant
 * - lifecycle.ts: start, stop, restart (processes.ts: the master and its children in /proc)
 * - users.ts, passwd-file.ts: mail users
 * - commands.ts: the dovecot and doveadm programs; system.ts: what the machine must provide
 *
 * Requires root (Dovecot drops to `dovenull`/`dovecot`/`mail` itself) and Debian's `dovecot-imapd`.
 * Nothing here does I/O at import time.
 */
export { countImapConnections, doveadm, DovecotCommandError, DovecotNotInstalledError, isAuthFailure } from './commands';
export { renderDovecotConfig, type DovecotConfigSettings } from './config';
export {
  dovecotLogPath,
  dovecotRuntimeDir,
  mailUserDir,
  normaliseMailUser,
  readDovecotLogTail,
  type DovecotHandle,
  type MailUserCredentials,
  type StartDovecotOptions,
} from './instance';
export { restartDovecot, startDovecot, stopDovecot } from './lifecycle';
export { renderOAuth2Config } from './oauth2';
export { isDovecotRunning } from './processes';
export { addMailUser } from './users';
