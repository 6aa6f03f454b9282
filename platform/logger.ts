/**
 * One logger for the API, the worker and the Temporal SDK inside the worker: pino, JSON lines for machines, or
 * one readable line per entry in a terminal. Secrets are censored before either format is written.
 */
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import pino from 'pino';

/** Keys whose values never reach a log, at any depth pino's redaction reaches (see REDACTED_PATHS). */
const SECRET_KEYS = [
  'password',
  'passwordHash',
  'imapPassword',
  'smtpPassword',
  'secret',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'taskToken',
  'authorization',
  'cookie',
  'set-cookie',
];

/** Each secret key at the top level and up to three objects down (`req.headers.authorization`, `account.oauth2.refreshToken`). */
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => {
  const property = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const joined = (prefix: string) => (property.startsWith('[') ? `${prefix}${property}` : `${prefix}.${property}`);
  return [property, joined('*'), joined('*.*'), joined('*.*.*')];
});

export type Logger = pino.Logger;
export type LogFormat = 'pretty' | 'json';

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where JSON lines go (tests); the format is then JSON unless `format` says otherwise. */
  destination?: pino.DestinationStream;
  /** Default: LOG_FORMAT, else pretty when stdout is a terminal and JSON when it is not (a file, a pipe, a collector). */
  format?: LogFormat;
}

/** What LOG_FORMAT asks for, else what stdout is. */
export function chooseLogFormat(requested: string | undefined = process.env.LOG_FORMAT, isTty = process.stdout.isTTY === true): LogFormat {
  if (requested === 'pretty' || requested === 'json') return requested;
  return isTty ? 'pretty' : 'json';
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? (options.destination ? 'json' : chooseLogFormat());
  const settings: pino.LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'mailroute',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (format === 'json') return pino(settings, options.destination);
  const out = options.destination ?? process.stdout;
  const colors = !options.destination && process.stdout.isTTY === true && !process.env.NO_COLOR;
  // pino writes the redacted JSON line; it is reshaped only on its way out, so both formats censor alike.
  return pino(settings, { write: (line: string) => void out.write(prettyLine(line, colors)) });
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** pino's own fields, shown in the line's head rather than as key=value. */
const HEAD_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'component', 'err']);

/**
 * One JSON line as `12:04:05.123 INFO  mailroute-worker temporal:worker Worker state changed state=RUNNING`, an
 * error's stack indented below it. A line that is not JSON passes through unchanged.
 */
export function prettyLine(line: string, colors = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const paint = (code: string, text: string) => (colors ? `\u001b[${code}m${text}\u001b[0m` : text);
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now()).toISOString().slice(11, 23);
  const head = [
    paint('90', time),
    paint(LEVEL_COLORS[level] ?? '0', (LEVEL_NAMES[level] ?? String(level)).padEnd(5)),
    ...[entry.name, entry.component].filter((part) => typeof part === 'string' && part !== ''),
    String(entry.msg ?? ''),
  ];
  const fields = Object.entries(entry)
    .filter(([key]) => !HEAD_FIELDS.has(key))
    .map(([key, value]) => `${paint('90', `${key}=`)}${pretty(value)}`);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const stack = err?.stack ?? err?.message;
  const tail = stack ? `\n    ${stack.split('\n').join('\n    ')}` : '';
  return `${[...head, ...fields].join(' ')}${tail}\n`;
}

function pretty(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? 'null';
}

const TEMPORAL_LEVELS: Record<TemporalLogLevel, pino.Level> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's Logger on top of ours (give it to `Runtime.install({ logger })`): the SDK's own lines, the
 * Rust core's forwarded ones, and `workflow.log` / activity `log` calls come out in our format and through our
 * redaction. Their `sdkComponent` becomes the line's component.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: TemporalLogLevel, message: string, meta: LogMetadata = {}) => {
    const { sdkComponent, ...rest } = meta as { sdkComponent?: string } & Record<string, unknown>;
    // The core's timestamp travels under a symbol key; JSON drops it, and pino's own time is close enough.
    const component = sdkComponent ? `temporal:${sdkComponent}` : 'temporal';
    logger[TEMPORAL_LEVELS[level] ?? 'info']({ component, ...rest }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
