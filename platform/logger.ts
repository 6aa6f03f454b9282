import pino from 'pino';

/** Paths never written to logs, whatever object they appear in. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'imapPassword',
  'smtpPassword',
  '*.imapPassword',
  '*.smtpPassword',
  '*.oauth2.clientSecret',
  '*.oauth2.refreshToken',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'token',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
];

export type Logger = pino.Logger;

export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', name: options.name ?? 'mailroute', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    options.destination,
  );
}
