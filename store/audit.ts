/** The audit log: who changed or removed what, for an admin to read later. */
import type { Database } from './db';

export function createAuditStore(db: Database) {
  return {
    async record(entry: { actorId: number | null; action: string; entity: string; entityId: string; detail?: Record<string, unknown> }) {
      await db.auditLog.create({ data: { ...entry, detail: (entry.detail ?? {}) as object } });
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;
