/** Users (agents, supervisors, admins): the public fields every answer shows, never the password hash. */
import type { Presence, Role } from '../domain/people';
import type { Database, Prisma } from './db';
import { contains, type PageWindow } from './paging';

/** The fields of a user the API shows. */
export const publicUserFields = {
  id: true,
  name: true,
  email: true,
  role: true,
  presence: true,
  pauseStatusId: true,
  capacity: true,
  signature: true,
  updatedAt: true,
} as const satisfies Prisma.UserSelect;

export type PublicUser = Prisma.UserGetPayload<{ select: typeof publicUserFields }>;

export interface UserFilter {
  role?: Role;
  presence?: Presence;
  /** Only agents added to this account. */
  accountId?: number;
  /** Name or email contains. */
  q?: string;
  /** Only people added to one of these accounts (undefined: everyone). */
  withinAccounts?: number[];
}

export interface UserColumns {
  name?: string;
  email?: string;
  role?: Role;
  capacity?: number;
  /** Null or empty: none (stored as empty). */
  signature?: string | null;
  passwordHash?: string | null;
  presence?: Presence;
  pauseStatusId?: number | null;
}

/** The columns as stored: no signature is an empty one. */
function stored<Columns extends UserColumns>({ signature, ...columns }: Columns) {
  return { ...columns, ...(signature === undefined ? {} : { signature: signature ?? '' }) };
}

export function createUserStore(db: Database) {
  return {
    find(id: number): Promise<PublicUser | null> {
      return db.user.findUnique({ where: { id }, select: publicUserFields });
    },

    /** Who logs in with `email` (lower-cased by the caller), with their password hash. */
    findCredentials(email: string): Promise<{ id: number; passwordHash: string | null } | null> {
      return db.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
    },

    findCredentialsById(id: number): Promise<{ id: number; passwordHash: string | null } | null> {
      return db.user.findUnique({ where: { id }, select: { id: true, passwordHash: true } });
    },

    async setPasswordHash(id: number, passwordHash: string): Promise<void> {
      await db.user.update({ where: { id }, data: { passwordHash } });
    },

    countWithRole(role: Role): Promise<number> {
      return db.user.count({ where: { role } });
    },

    async emailTaken(email: string): Promise<boolean> {
      return (await db.user.findUnique({ where: { email }, select: { id: true } })) !== null;
    },

    list(filter: UserFilter, window: PageWindow): Promise<PublicUser[]> {
      const { role, presence, accountId, q, withinAccounts } = filter;
      const where = {
        ...(withinAccounts !== undefined ? { accountAgents: { some: { accountId: { in: withinAccounts } } } } : {}),
        ...(role ? { role } : {}),
        ...(presence ? { presence } : {}),
        ...(accountId ? { AND: [{ accountAgents: { some: { accountId } } }] } : {}),
        ...(q ? { OR: [{ name: contains(q) }, { email: contains(q) }] } : {}),
      };
      return db.user.findMany({ where, select: publicUserFields, ...window });
    },

    /** Whether the user is added to one of these accounts. */
    async inAccounts(id: number, accountIds: number[]): Promise<boolean> {
      return (await db.accountAgent.count({ where: { userId: id, accountId: { in: accountIds } } })) > 0;
    },

    /** The agents added to an account, by id. */
    ofAccount(accountId: number): Promise<PublicUser[]> {
      return db.user.findMany({
        where: { accountAgents: { some: { accountId } } },
        select: publicUserFields,
        orderBy: { id: 'asc' },
      });
    },

    /** How many of `ids` are users. */
    countExisting(ids: number[]): Promise<number> {
      return db.user.count({ where: { id: { in: ids } } });
    },

    create(columns: UserColumns & { name: string; email: string }): Promise<PublicUser> {
      return db.user.create({ data: stored(columns), select: publicUserFields });
    },

    /** Writes only while the user is still at `updatedAt` (optimistic concurrency): false once someone else saved. */
    async updateIfUnchanged(id: number, updatedAt: Date, columns: UserColumns): Promise<boolean> {
      return (await db.user.updateMany({ where: { id, updatedAt }, data: stored(columns) })).count > 0;
    },

    /** What users change of themselves (their settings). */
    updateOwn(id: number, columns: Pick<UserColumns, 'signature'>): Promise<PublicUser> {
      return db.user.update({ where: { id }, data: stored(columns), select: publicUserFields });
    },

    setPresence(id: number, presence: Presence, pauseStatusId: number | null): Promise<PublicUser> {
      return db.user.update({ where: { id }, data: { presence, pauseStatusId }, select: publicUserFields });
    },

    async delete(id: number): Promise<void> {
      await db.user.delete({ where: { id } });
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
