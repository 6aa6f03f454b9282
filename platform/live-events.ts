import type { Notification, Pool, PoolClient } from 'pg';
import { LIVE_EVENTS_CHANNEL, type EventBus, type LiveEvent } from '../domain/live-events';

/** Live events over PostgreSQL NOTIFY: workers publish, every API process listens. */
export function createPgEventBus(pool: Pool): EventBus {
  ignoreDroppedIdleConnections(pool);
  return {
    async publish(event: LiveEvent) {
      await pool.query('SELECT pg_notify($1, $2)', [LIVE_EVENTS_CHANNEL, JSON.stringify(event)]);
    },
  };
}

/**
 * An idle pooled connection that PostgreSQL drops (restart, pg_terminate_backend) is an 'error' on the pool;
 * without a listener it would kill the process. The pool discards that connection and opens a new one on demand.
 */
function ignoreDroppedIdleConnections(pool: Pool): void {
  if (pool.listenerCount('error') === 0) pool.on('error', () => undefined);
}

/**
 * LISTENs on one pooled connection. When PostgreSQL drops it, the connection is discarded and LISTEN starts again
 * on a new one (backing off up to 5 s); events published in between are lost, which is fine: events are hints,
 * the database is the truth.
 */
export async function listenToLiveEvents(pool: Pool, onEvent: (event: LiveEvent) => void): Promise<{ close(): Promise<void> }> {
  ignoreDroppedIdleConnections(pool);
  let client: PoolClient | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const onNotification = (notification: Notification) => {
    if (notification.channel !== LIVE_EVENTS_CHANNEL || !notification.payload) return;
    try {
      onEvent(JSON.parse(notification.payload) as LiveEvent);
    } catch {
      // A malformed payload is dropped.
    }
  };
  const listen = async () => {
    const next = await pool.connect();
    let released = false;
    const discard = () => {
      if (!released) next.release(true);
      released = true;
      if (client === next) client = undefined;
    };
    next.on('notification', onNotification);
    // Every error, not only the first: a dropped connection may report twice (the server's message, then the
    // socket's end), and an error without a listener would end the process. Only the first starts a new LISTEN: a
    // later one, after the new connection is up, would open a second and deliver every event twice.
    next.on('error', () => {
      if (released) return;
      discard();
      reconnect(250);
    });
    try {
      await next.query(`LISTEN ${LIVE_EVENTS_CHANNEL}`);
    } catch (error) {
      discard();
      throw error;
    }
    client = next;
  };
  /** At most one reconnection pending at a time. */
  const reconnect = (delayMs: number) => {
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      listen().catch(() => reconnect(Math.min(delayMs * 2, 5_000)));
    }, delayMs);
  };
  await listen();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      if (!current) return;
      await current.query(`UNLISTEN ${LIVE_EVENTS_CHANNEL}`).catch(() => undefined);
      current.release();
    },
  };
}

/** One LISTEN connection per process, fanned out to every subscriber (SSE streams, realtime views). */
export interface LiveEventHub extends EventBus {
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

export async function createLiveEventHub(pool: Pool): Promise<LiveEventHub> {
  const listeners = new Set<(event: LiveEvent) => void>();
  const listening = await listenToLiveEvents(pool, (event) => {
    for (const listener of listeners) listener(event);
  });
  const bus = createPgEventBus(pool);
  return {
    publish: (event) => bus.publish(event),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => listening.close(),
  };
}
