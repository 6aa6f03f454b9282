/**
 * The one visibility rule, where the data is: admins see every account, supervisors and agents only the accounts
 * they are added to, and an account's interactions (and everything under them) with it; a queue or a contact list
 * with an account it serves.
 */
import type { Actor } from '../domain/people';
import type { Database, Prisma } from './db';

export function visibleAccountWhere(user: Pick<Actor, 'id' | 'role'>): Prisma.EmailAccountWhereInput {
  return user.role === 'admin' ? {} : { agents: { some: { userId: user.id } } };
}

export function createVisibilityStore(db: Database) {
  return {
    async accountIds(user: Pick<Actor, 'id' | 'role'>): Promise<number[]> {
      const accounts = await db.emailAccount.findMany({ where: visibleAccountWhere(user), select: { id: true } });
      return accounts.map((account) => account.id);
    },

    findAccount(id: number, user: Pick<Actor, 'id' | 'role'>) {
      return db.emailAccount.findFirst({ where: { id, ...visibleAccountWhere(user) } });
    },

    /** A queue serving an account the user may see. */
    findQueue(id: number, user: Pick<Actor, 'id' | 'role'>) {
      return db.queue.findFirst({
        where: { id, ...(user.role === 'admin' ? {} : { accounts: { some: { account: visibleAccountWhere(user) } } }) },
      });
    },

    /** A contact list an account the user may see saves its senders to. */
    findContactList(id: number, user: Pick<Actor, 'id' | 'role'>) {
      return db.contactList.findFirst({
        where: { id, ...(user.role === 'admin' ? {} : { accounts: { some: visibleAccountWhere(user) } }) },
      });
    },

    findInteraction(id: number, user: Pick<Actor, 'id' | 'role'>) {
      return db.interaction.findFirst({ where: { id, account: visibleAccountWhere(user) } });
    },

    /** Which of `ids` are interactions of accounts the user may see. */
    async interactionIds(ids: number[], user: Pick<Actor, 'id' | 'role'>): Promise<number[]> {
      const found = await db.interaction.findMany({ where: { id: { in: ids }, account: visibleAccountWhere(user) }, select: { id: true } });
      return found.map((row) => row.id);
    },
  };
}

export type VisibilityStore = ReturnType<typeof createVisibilityStore>;
