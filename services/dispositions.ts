/** An account's dispositions: up to three levels (a parent on the level above), names unique among siblings. */
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors';
import type { Store } from '../store';
import type { DispositionRow } from '../store/dispositions';

export const MAX_DISPOSITION_LEVEL = 3;

export function createDispositionService(store: Pick<Store, 'dispositions'>) {
  async function requireNameFree(accountId: number, parentId: number | null, name: string, exceptId?: number) {
    if (await store.dispositions.findSibling(accountId, parentId, name, exceptId))
      throw new ConflictError(`a disposition named ${name} already exists at this place`);
  }

  return {
    async require(accountId: number, id: number): Promise<DispositionRow> {
      const disposition = await store.dispositions.find(accountId, id);
      if (!disposition) throw new NotFoundError(`disposition ${id} of account ${accountId}`);
      return disposition;
    },

    async add(accountId: number, input: { name: string; parentId: number | null }): Promise<DispositionRow> {
      let level = 1;
      if (input.parentId !== null) {
        const parent = await store.dispositions.find(accountId, input.parentId);
        if (!parent)
          throw new InvalidInputError('parentId is not a disposition of this account', [
            { field: 'parentId', reason: 'not a disposition of this account' },
          ]);
        if (parent.level >= MAX_DISPOSITION_LEVEL)
          throw new InvalidInputError('dispositions have at most three levels', [
            { field: 'parentId', reason: 'parent is already on the third level' },
          ]);
        level = parent.level + 1;
      }
      await requireNameFree(accountId, input.parentId, input.name);
      return store.dispositions.create({ accountId, name: input.name, parentId: input.parentId, level });
    },

    async rename(disposition: DispositionRow, name: string): Promise<DispositionRow> {
      await requireNameFree(disposition.accountId, disposition.parentId, name, disposition.id);
      return store.dispositions.rename(disposition.id, name);
    },
  };
}
