/** Action plans: immutable numbered versions per account (an interaction in flight keeps the version it started with). */
import type { Database } from './db';
import type { PageWindow } from './paging';

export interface ActionPlanVersionRow {
  version: number;
  steps: unknown;
  createdAt: Date;
}

const versionFields = { version: true, steps: true, createdAt: true } as const;

export function createActionPlanStore(db: Database) {
  return {
    latest(accountId: number): Promise<ActionPlanVersionRow | null> {
      return db.actionPlanVersion.findFirst({ where: { accountId }, orderBy: { version: 'desc' }, select: versionFields });
    },

    version(accountId: number, version: number): Promise<ActionPlanVersionRow | null> {
      return db.actionPlanVersion.findUnique({ where: { accountId_version: { accountId, version } }, select: versionFields });
    },

    list(accountId: number, window: PageWindow): Promise<ActionPlanVersionRow[]> {
      return db.actionPlanVersion.findMany({ where: { accountId }, select: versionFields, ...window });
    },

    create(accountId: number, version: number, steps: unknown[]): Promise<ActionPlanVersionRow> {
      return db.actionPlanVersion.create({ data: { accountId, version, steps: steps as object }, select: versionFields });
    },
  };
}

export type ActionPlanStore = ReturnType<typeof createActionPlanStore>;
