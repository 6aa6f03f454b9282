/**
 * Who may see what, for every route that takes or returns an account-scoped object: what is not visible is not
 * found (an agent does not learn that other accounts or their interactions exist).
 */
import { NotFoundError } from '../domain/errors';
import type { Actor } from '../domain/people';
import type { VisibilityStore } from '../store/visibility';

export function createVisibility(store: VisibilityStore) {
  return {
    accountIds: (user: Actor) => store.accountIds(user),

    /** The accounts a user's lists keep to: undefined for admins (every account), the ones they are added to otherwise. */
    async scope(user: Actor): Promise<number[] | undefined> {
      return user.role === 'admin' ? undefined : store.accountIds(user);
    },

    async requireAccount(id: number, user: Actor) {
      const account = await store.findAccount(id, user);
      if (!account) throw new NotFoundError(`email account ${id}`);
      return account;
    },

    async requireQueue(id: number, user: Actor) {
      const queue = await store.findQueue(id, user);
      if (!queue) throw new NotFoundError(`queue ${id}`);
      return queue;
    },

    async requireContactList(id: number, user: Actor) {
      const list = await store.findContactList(id, user);
      if (!list) throw new NotFoundError(`contact list ${id}`);
      return list;
    },

    async requireInteraction(id: number, user: Actor) {
      const interaction = await store.findInteraction(id, user);
      if (!interaction) throw new NotFoundError(`interaction ${id}`);
      return interaction;
    },

    /** Every one of `ids`, or a 404 naming those the user may not see. */
    async requireInteractions(ids: number[], user: Actor): Promise<number[]> {
      const visible = new Set(await store.interactionIds(ids, user));
      const missing = [...new Set(ids)].filter((id) => !visible.has(id));
      if (missing.length > 0) throw new NotFoundError(`interactions ${missing.join(', ')}`);
      return ids;
    },
  };
}

export type Visibility = ReturnType<typeof createVisibility>;
