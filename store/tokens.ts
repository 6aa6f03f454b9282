/** API tokens: only a token's hash is stored; the token itself is shown once when it is issued. */
import type { Role } from '../domain/people';
import type { Database } from './db';
import type { PageWindow } from './paging';

export interface TokenRow {
  id: number;
  userId: number;
  name: string;
  tokenHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface TokenFilter {
  userId?: number;
  revoked?: boolean;
}

export function createTokenStore(db: Database) {
  return {
    create(input: { userId: number; name: string; tokenHash: string; expiresAt: Date | null }): Promise<TokenRow> {
      return db.apiToken.create({ data: input });
    },

    find(id: number): Promise<TokenRow | null> {
      return db.apiToken.findUnique({ where: { id } });
    },

    /** The token with this hash and who it belongs to (every request asks: one statement, no ORM). */
    async findByHash(tokenHash: string): Promise<(TokenRow & { user: { id: number; role: Role; name: string } }) | null> {
      const [row] = await db.$queryRaw<Array<TokenRow & { userRole: Role; userName: string }>>`
        SELECT t.id, t."userId", t.name, t."tokenHash", t."createdAt", t."lastUsedAt", t."expiresAt", t."revokedAt",
               u.role::text AS "userRole", u.name AS "userName"
        FROM "ApiToken" t JOIN "User" u ON u.id = t."userId"
        WHERE t."tokenHash" = ${tokenHash}`;
      if (!row) return null;
      const { userRole, userName, ...token } = row;
      return { ...token, user: { id: token.userId, role: userRole, name: userName } };
    },

    /** Notes the token's use; a failure here never fails the request it authenticates. */
    async touch(id: number, at: Date): Promise<void> {
      await db.apiToken.update({ where: { id }, data: { lastUsedAt: at } }).catch(() => undefined);
    },

    async revoke(id: number, at: Date): Promise<void> {
      await db.apiToken.update({ where: { id }, data: { revokedAt: at } });
    },

    async revokeByHash(tokenHash: string, at: Date): Promise<void> {
      await db.apiToken.updateMany({ where: { tokenHash, revokedAt: null }, data: { revokedAt: at } });
    },

    /** Ends the user's tokens named `name` (their login sessions), but the one with `keepHash`. */
    async revokeNamed(userId: number, name: string, at: Date, keepHash?: string): Promise<number> {
      const revoked = await db.apiToken.updateMany({
        where: { userId, name, revokedAt: null, ...(keepHash ? { tokenHash: { not: keepHash } } : {}) },
        data: { revokedAt: at },
      });
      return revoked.count;
    },

    list(filter: TokenFilter, window: PageWindow): Promise<TokenRow[]> {
      const where = {
        ...(filter.userId !== undefined ? { userId: filter.userId } : {}),
        ...(filter.revoked === true ? { revokedAt: { not: null } } : filter.revoked === false ? { revokedAt: null } : {}),
      };
      return db.apiToken.findMany({ where, ...window });
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
