/** Failed logins counted by key (an email, a client address), and when logging in may be tried again. */
import type { Database } from './db';

export function createLoginThrottleStore(db: Database) {
  return {
    /** The latest moment until which any of these keys is locked, or null. */
    async lockedUntil(keys: string[]): Promise<Date | null> {
      const rows = await db.loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: new Date() } } });
      return rows.reduce<Date | null>((latest, row) => (latest === null || row.lockedUntil! > latest ? row.lockedUntil : latest), null);
    },

    /**
     * Counts one more failure for the key (a run older than `forgetAfterMs` starts again) and locks it as `lockFor`
     * says for the new count. One statement, so concurrent failures all count.
     */
    async fail(key: string, forgetAfterMs: number, lockFor: (failures: number) => number): Promise<number> {
      const [row] = await db.$queryRaw<Array<{ failures: number }>>`
        INSERT INTO "LoginThrottle" (key, failures, "lastFailureAt") VALUES (${key}, 1, now())
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN "LoginThrottle"."lastFailureAt" < now() - make_interval(secs => ${forgetAfterMs / 1000})
                          THEN 1 ELSE "LoginThrottle".failures + 1 END,
          "lastFailureAt" = now()
        RETURNING failures`;
      const failures = row?.failures ?? 1;
      const lockMs = lockFor(failures);
      if (lockMs > 0) await db.loginThrottle.update({ where: { key }, data: { lockedUntil: new Date(Date.now() + lockMs) } });
      return failures;
    },

    async forget(key: string): Promise<void> {
      await db.loginThrottle.deleteMany({ where: { key } });
    },
  };
}

export type LoginThrottleStore = ReturnType<typeof createLoginThrottleStore>;
