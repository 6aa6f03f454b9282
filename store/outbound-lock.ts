/**
 * A PostgreSQL advisory lock per outbox row, held while one attempt talks to the SMTP server, so a retry that starts
 * while a timed-out attempt is still sending waits for it instead of sending in parallel (activities/smtp.ts).
 */
import type { Pool } from 'pg';

/** Namespace of the advisory locks taken on outbox rows. */
const OUTBOUND_LOCK_NAMESPACE = 7301;

export function createOutboundLock(pool: Pool) {
  /**
   * Holds the row's advisory lock on a connection of its own while `work` runs. If PostgreSQL drops that connection
   * (a restart, pg_terminate_backend), the lock goes with the session: the error is noted instead of crashing the
   * worker, and the connection is discarded rather than returned to the pool.
   */
  return async function withOutboundLock<T>(outboundId: number, work: () => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [OUTBOUND_LOCK_NAMESPACE, outboundId]);
      try {
        return await work();
      } finally {
        // A failed unlock must not hide work's outcome; destroying the connection releases the lock anyway.
        await client.query('SELECT pg_advisory_unlock($1, $2)', [OUTBOUND_LOCK_NAMESPACE, outboundId]).catch((error: Error) => {
          broken ??= error;
        });
      }
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  };
}

export type OutboundLock = ReturnType<typeof createOutboundLock>;
