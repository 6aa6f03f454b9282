import os from 'node:os';
import { z } from 'zod';

/** Every setting mailroute reads from its environment, validated once at start. */
const environmentSchema = z.object({
  DATABASE_URL: z.string().url({ message: 'DATABASE_URL must be a postgresql:// URL' }),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('mailroute'),
  TEMPORAL_UI_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  HOST: z.string().default('127.0.0.1'),
  /** A bearer token that opens /metrics (API and worker) to scrapers on other machines; loopback needs none. */
  MAILROUTE_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Loopback port of the Temporal SDK's own Prometheus exporter in the worker, whose series the worker's /metrics
   * appends (0: a free port chosen at start).
   */
  TEMPORAL_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /**
   * The address users reach the platform at (behind a proxy: the proxy's), e.g. https://mail.example.com. The OAuth2
   * redirect URI is `<this>/api/oauth2/callback`; unset, it is the address of each request (right without a proxy).
   */
  MAILROUTE_PUBLIC_URL: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value) && !/[?#]/.test(value), 'must be an http(s) URL without query or fragment')
    .optional(),
  /** base64 of 32 random bytes; secrets at rest are sealed with AES-256-GCM under it. */
  MAILROUTE_SECRET_KEY: z.string().refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  /** Earlier keys, comma-separated, still accepted for reading during a key rotation. */
  MAILROUTE_PREVIOUS_SECRET_KEYS: z.string().default(''),
  MAILROUTE_ADMIN_EMAIL: z.string().email().default('admin@mailroute.local'),
  MAILROUTE_ADMIN_PASSWORD: z.string().min(8).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: one readable line per entry when stdout is a terminal, JSON lines otherwise (platform/logger.ts). */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /**
   * Routing workflows a worker keeps in memory between their tasks. A parked interaction costs nothing while it
   * waits; it is replayed from its (short) history when an offer wakes it, so memory stays flat with any backlog.
   */
  WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(1000),
  /** PostgreSQL connections per worker process: local activities hold one for a few milliseconds each. */
  WORKER_DATABASE_CONNECTIONS: z.coerce.number().int().min(2).max(500).default(20),
  /** This worker's host name: it also watches the mailboxes of accounts pinned to it (docs/scaling.md). */
  MAILROUTE_HOSTNAME: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .default(() => os.hostname()),
  /** Heartbeat timeout of the mailbox watcher: how fast a dead worker's watch moves elsewhere. */
  WATCHER_HEARTBEAT_SECONDS: z.coerce.number().int().min(2).max(600).default(20),
  /**
   * Local or private destinations (host names, addresses, CIDR ranges, comma-separated) that configured webhooks and
   * token endpoints may reach; everything else must be public and HTTPS (platform/outbound.ts).
   */
  MAILROUTE_OUTBOUND_ALLOW: z.string().default(''),
  /** Largest single attachment accepted; an email carrying a larger one is quarantined with the reason. */
  MAX_ATTACHMENT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024),
  /** Largest email accepted for routing; larger ones are quarantined with a notice. */
  MAX_EMAIL_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
});

export type Config = z.infer<typeof environmentSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}
