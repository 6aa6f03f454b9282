/** Email accounts with their agents and queues, and the audit trail of their configuration changes. */
import type { MailService } from '../domain/account';
import type { Actor } from '../domain/people';
import type { EmailAccount } from '../generated/prisma/client';
import type { Database } from './db';
import { contains, type PageWindow } from './paging';
import { visibleAccountWhere } from './visibility';

/** An account as stored: secrets sealed, the headers filter parsed. */
export type AccountRow = EmailAccount;

/** Columns to write, as services/accounts.ts prepares them (secrets already sealed). */
export type AccountColumns = Record<string, unknown>;

export interface AccountFilter {
  /** Only the accounts this user may see. */
  visibleTo: Pick<Actor, 'id' | 'role'>;
  active?: boolean;
  service?: MailService;
  /** Name, key or email address contains. */
  q?: string;
}

export function createAccountStore(db: Database) {
  return {
    find(id: number): Promise<AccountRow | null> {
      return db.emailAccount.findUnique({ where: { id } });
    },

    /** The accounts whose mailbox is watched. */
    listActive(): Promise<AccountRow[]> {
      return db.emailAccount.findMany({ where: { active: true }, orderBy: { id: 'asc' } });
    },

    /** The demo account `npm start` made, if it still exists. */
    findDemo(): Promise<AccountRow | null> {
      return db.emailAccount.findFirst({ where: { demo: true }, orderBy: { id: 'asc' } });
    },

    /** Makes `id` the platform's one demo account. */
    async markDemo(id: number): Promise<void> {
      await db.$transaction([
        db.emailAccount.updateMany({ where: { demo: true, id: { not: id } }, data: { demo: false } }),
        db.emailAccount.update({ where: { id }, data: { demo: true } }),
      ]);
    },

    findByKey(key: string): Promise<AccountRow | null> {
      return db.emailAccount.findUnique({ where: { key } });
    },

    list(filter: AccountFilter, window: PageWindow): Promise<AccountRow[]> {
      const { visibleTo, active, service, q } = filter;
      const where = {
        ...visibleAccountWhere(visibleTo),
        ...(active !== undefined ? { active } : {}),
        ...(service !== undefined ? { service } : {}),
        ...(q ? { OR: [{ name: contains(q) }, { key: contains(q) }, { emailAddress: contains(q) }] } : {}),
      };
      return db.emailAccount.findMany({ where, ...window });
    },

    create(columns: AccountColumns): Promise<AccountRow> {
      return db.emailAccount.create({ data: columns as never });
    },

    /** Writes only while the account is still at `updatedAt` (optimistic concurrency): false once someone else saved. */
    async updateIfUnchanged(id: number, updatedAt: Date, columns: AccountColumns): Promise<boolean> {
      return (await db.emailAccount.updateMany({ where: { id, updatedAt }, data: columns as never })).count > 0;
    },

    async delete(id: number): Promise<void> {
      await db.emailAccount.delete({ where: { id } });
    },

    /** Replaces the agents added to an account (agents not added cannot see its interactions). */
    async setAgents(accountId: number, userIds: number[]): Promise<void> {
      await db.$transaction([
        db.accountAgent.deleteMany({ where: { accountId } }),
        db.accountAgent.createMany({ data: userIds.map((userId) => ({ accountId, userId })) }),
      ]);
    },

    async setQueues(accountId: number, queueIds: number[]): Promise<void> {
      await db.$transaction([
        db.accountQueue.deleteMany({ where: { accountId } }),
        db.accountQueue.createMany({ data: queueIds.map((queueId) => ({ accountId, queueId })) }),
      ]);
    },

    /** One configuration change in the audit log, by field name (write-only values already masked). */
    async recordChange(actorId: number, action: string, accountId: number, changes: Record<string, unknown>): Promise<void> {
      await db.auditLog.create({
        data: { actorId, action, entity: 'email-account', entityId: String(accountId), detail: { changes } as object },
      });
    },
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
