/**
 * OAuth2 sign-ins under way: one row per authorization request, found by the hash of its state and used once (the
 * first callback marks it; any later one finds it used). Rows are forgotten an hour after they expire.
 */
import type { Database } from './db';

export interface OAuth2AuthorizationRow {
  id: number;
  stateHash: string;
  browserHash: string;
  sessionHash: string;
  userId: number;
  accountId: number;
  verifierEnc: string;
  redirectUri: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export type OAuth2AuthorizationInput = Omit<OAuth2AuthorizationRow, 'id' | 'createdAt' | 'usedAt'>;

const FORGET_AFTER_MS = 3600_000;

export function createOAuth2AuthorizationStore(db: Database) {
  return {
    async create(input: OAuth2AuthorizationInput): Promise<OAuth2AuthorizationRow> {
      await db.oAuth2Authorization.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - FORGET_AFTER_MS) } } });
      return db.oAuth2Authorization.create({ data: input });
    },

    /**
     * Marks the request with this state hash used, in one statement so two callbacks cannot both use it: the row
     * and whether this call was the one that used it (false: it was used before).
     */
    async use(stateHash: string, at: Date): Promise<{ row: OAuth2AuthorizationRow; first: boolean } | null> {
      const marked = await db.oAuth2Authorization.updateMany({ where: { stateHash, usedAt: null }, data: { usedAt: at } });
      const row = await db.oAuth2Authorization.findUnique({ where: { stateHash } });
      return row ? { row, first: marked.count === 1 } : null;
    },

    /** The latest request this browser started (the account to return an unknown state to). */
    latestOfBrowser(browserHash: string): Promise<OAuth2AuthorizationRow | null> {
      return db.oAuth2Authorization.findFirst({ where: { browserHash }, orderBy: { id: 'desc' } });
    },
  };
}

export type OAuth2AuthorizationStore = ReturnType<typeof createOAuth2AuthorizationStore>;
