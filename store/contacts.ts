/** Contact lists (where an account saves new senders) and their contacts, unique by email within a list. */
import type { Database } from './db';
import { contains, type PageWindow } from './paging';

export interface ContactListRow {
  id: number;
  name: string;
}

export interface ContactRow {
  id: number;
  listId: number;
  email: string;
  name: string | null;
  createdAt: Date;
}

export function createContactStore(db: Database) {
  return {
    findList(id: number): Promise<ContactListRow | null> {
      return db.contactList.findUnique({ where: { id } });
    },

    findListByName(name: string): Promise<ContactListRow | null> {
      return db.contactList.findUnique({ where: { name } });
    },

    /** `withinAccounts`: only lists one of these accounts saves its senders to (undefined: every list). */
    lists(filter: { q?: string; withinAccounts?: number[] }, window: PageWindow): Promise<ContactListRow[]> {
      const where = {
        ...(filter.q ? { name: contains(filter.q) } : {}),
        ...(filter.withinAccounts !== undefined ? { accounts: { some: { id: { in: filter.withinAccounts } } } } : {}),
      };
      return db.contactList.findMany({ where, ...window });
    },

    createList(input: { name: string }): Promise<ContactListRow> {
      return db.contactList.create({ data: input });
    },

    updateList(id: number, columns: { name?: string }): Promise<ContactListRow> {
      return db.contactList.update({ where: { id }, data: columns });
    },

    /** Deletes the list with its contacts. */
    async deleteList(id: number): Promise<void> {
      await db.contactList.delete({ where: { id } });
    },

    /** The contact, when it is in this list. */
    find(listId: number, id: number): Promise<ContactRow | null> {
      return db.contact.findFirst({ where: { id, listId } });
    },

    findByEmail(listId: number, email: string): Promise<ContactRow | null> {
      return db.contact.findUnique({ where: { listId_email: { listId, email } } });
    },

    list(listId: number, filter: { q?: string }, window: PageWindow): Promise<ContactRow[]> {
      const where = { listId, ...(filter.q ? { OR: [{ email: contains(filter.q) }, { name: contains(filter.q) }] } : {}) };
      return db.contact.findMany({ where, ...window });
    },

    create(input: { listId: number; email: string; name: string | null }): Promise<ContactRow> {
      return db.contact.create({ data: input });
    },

    update(id: number, columns: { email?: string; name?: string | null }): Promise<ContactRow> {
      return db.contact.update({ where: { id }, data: columns });
    },

    async delete(id: number): Promise<void> {
      await db.contact.delete({ where: { id } });
    },

    /** A contact by id with its list's name (the customer panel of an interaction). */
    findWithList(id: number) {
      return db.contact.findUnique({ where: { id }, include: { list: { select: { name: true } } } });
    },

    /**
     * The customer's other interactions (same address, any case) in the given accounts, newest first, with the account
     * and the holder's name.
     */
    async interactionsOf(email: string, input: { accountIds: number[]; except: number; take: number }) {
      // lower(...) = lower(...) is what "Interaction_customerEmail_lower_idx" answers (Prisma's case-insensitive
      // equality is an ILIKE, which no index on the lowered address serves).
      const found = await db.$queryRaw<Array<{ id: number }>>`
        SELECT id FROM "Interaction"
        WHERE lower("customerEmail") = lower(${email}) AND "accountId" = ANY(${input.accountIds}::int[]) AND id <> ${input.except}
        ORDER BY "lastMessageAt" DESC, id DESC
        LIMIT ${input.take}`;
      const rows = await db.interaction.findMany({
        where: { id: { in: found.map((row) => row.id) } },
        select: {
          id: true,
          accountId: true,
          subject: true,
          status: true,
          routingState: true,
          agentId: true,
          lastMessageAt: true,
          createdAt: true,
          account: { select: { key: true, name: true } },
          agent: { select: { name: true } },
        },
        orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
      });
      return rows.map(({ account, agent, ...row }) => ({
        ...row,
        accountKey: account.key,
        accountName: account.name,
        agentName: agent?.name ?? null,
      }));
    },
  };
}

export type ContactStore = ReturnType<typeof createContactStore>;
