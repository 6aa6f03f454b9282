/**
 * The store: repositories over PostgreSQL, the only code that talks to Prisma. Composition roots (worker.ts,
 * api/server.ts, tests) open the client with store/db.ts and hand it to createStore; everyone else receives
 * repositories and gets plain objects back.
 */
import type { Database } from './db';
import { createVisibilityStore } from './visibility';

export type { Database } from './db';

export function createStore(db: Database) {
  return {
    visibility: createVisibilityStore(db),
  };
}

export type Store = ReturnType<typeof createStore>;
