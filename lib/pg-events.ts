import type { Pool, PoolClient } from 'pg';
import { LIVE_EVENTS_CHANNEL, type EventBus, type LiveEvent } from './events';

/** Live events over PostgreSQL NOTIFY: workers publish, every API process listens. */
export function createPgEventBus(pool: Pool): EventBus {
  return {
    async publish(event: LiveEvent) {
      await pool.query('SELECT pg_notify($1, $2)', [LIVE_EVENTS_CHANNEL, JSON.stringify(event)]);
    },
  };
}

export async function listenToLiveEvents(pool: Pool, onEvent: (event: LiveEvent) => void): Promise<{ close(): Promise<void> }> {
  const client: PoolClient = await pool.connect();
  client.on('notification', (notification) => {
    if (notification.channel !== LIVE_EVENTS_CHANNEL || !notification.payload) return;
    try {
      onEvent(JSON.parse(notification.payload) as LiveEvent);
    } catch {
      // A malformed payload is dropped; events are hints, the database is the truth.
    }
  });
  await client.query(`LISTEN ${LIVE_EVENTS_CHANNEL}`);
  return {
    async close() {
      await client.query(`UNLISTEN ${LIVE_EVENTS_CHANNEL}`).catch(() => undefined);
      client.release();
    },
  };
}

/** One LISTEN connection per process, fanned out to every subscriber (SSE streams, realtime views). */
export interface LiveEventHub {
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

export async function createLiveEventHub(pool: Pool): Promise<LiveEventHub> {
  const listeners = new Set<(event: LiveEvent) => void>();
  const listening = await listenToLiveEvents(pool, (event) => {
    for (const listener of listeners) listener(event);
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => listening.close(),
  };
}
