/**
 * Delivering the webhooks SLA escalations make. Each delivery is a row (store/sla.ts) written with its escalation,
 * so it exists exactly once; this POSTs it with its Idempotency-Key (the same on every attempt, so a receiver can
 * drop a repeat after a lost answer) until the receiver answers 2xx. A 5xx, a timeout or a network error is tried
 * again with exponential backoff; a 4xx, a destination the outbound guard refuses, or too many attempts end it as
 * failed, recorded with the last status and error.
 */
import { OutboundRefusedError, type OutboundGuard } from '../platform/outbound';
import type { SlaStore, WebhookDelivery } from '../store/sla';

export interface WebhookDeliveryOptions {
  /** The wait after the first failed attempt; doubled after each further one, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  timeoutMs: number;
  /** How long a claimed row is left alone by other deliverers (longer than timeoutMs). */
  leaseMs: number;
}

export const DEFAULT_WEBHOOK_DELIVERY: WebhookDeliveryOptions = {
  initialDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 12,
  timeoutMs: 10_000,
  leaseMs: 60_000,
};

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function webhookRetryDelayMs(attempts: number, options: Pick<WebhookDeliveryOptions, 'initialDelayMs' | 'maxDelayMs'>): number {
  return Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempts - 1));
}

export function createSlaWebhookDeliverer(deps: {
  store: Pick<SlaStore, 'claimDueWebhooks' | 'webhookDelivered' | 'webhookFailed'>;
  outbound: Pick<OutboundGuard, 'request'>;
  options?: Partial<WebhookDeliveryOptions>;
  warn?: (message: string, detail: Record<string, unknown>) => void;
}) {
  const options = { ...DEFAULT_WEBHOOK_DELIVERY, ...deps.options };

  async function attempt(delivery: WebhookDelivery, now: Date): Promise<'delivered' | 'retry' | 'failed'> {
    const attempts = delivery.attempts + 1;
    const retryAt = attempts >= options.maxAttempts ? null : new Date(now.getTime() + webhookRetryDelayMs(attempts, options));
    try {
      const response = await deps.outbound.request(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'mailroute-sla',
          'idempotency-key': delivery.idempotencyKey,
        },
        body: JSON.stringify(delivery.body),
        timeoutMs: options.timeoutMs,
      });
      if (response.status >= 200 && response.status < 300) {
        await deps.store.webhookDelivered(delivery.id, response.status, new Date());
        return 'delivered';
      }
      // A 4xx says the request itself is wrong (or unwanted): sending it again would get the same answer.
      const permanent = response.status >= 400 && response.status < 500;
      await deps.store.webhookFailed(delivery.id, {
        status: response.status,
        error: `the receiver answered ${response.status}`,
        retryAt: permanent ? null : retryAt,
      });
      return permanent || !retryAt ? 'failed' : 'retry';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const refused = error instanceof OutboundRefusedError;
      await deps.store.webhookFailed(delivery.id, { status: null, error: message, retryAt: refused ? null : retryAt });
      deps.warn?.('SLA webhook delivery failed', { deliveryId: delivery.id, error: message });
      return refused || !retryAt ? 'failed' : 'retry';
    }
  }

  return {
    /** Attempts every delivery due at `now` (in batches of 20); answers how each ended. */
    async deliverDue(now = new Date()): Promise<{ delivered: number; retry: number; failed: number }> {
      const counts = { delivered: 0, retry: 0, failed: 0 };
      for (;;) {
        const due = await deps.store.claimDueWebhooks(now, 20, options.leaseMs);
        if (due.length === 0) return counts;
        for (const outcome of await Promise.all(due.map((delivery) => attempt(delivery, now)))) counts[outcome] += 1;
      }
    },
  };
}

export type SlaWebhookDeliverer = ReturnType<typeof createSlaWebhookDeliverer>;

/** Delivers due webhooks every `intervalMs` until stopped; `kick` delivers at once (a new escalation). */
export function startSlaWebhookDelivery(
  deliverer: SlaWebhookDeliverer,
  intervalMs = 5_000,
  warn?: (message: string, detail: Record<string, unknown>) => void,
) {
  let running: Promise<unknown> | null = null;
  const run = () => {
    running ??= deliverer
      .deliverDue()
      .catch((error: unknown) => warn?.('SLA webhook delivery round failed', { error: String(error) }))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return {
    kick: () => void run(),
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
