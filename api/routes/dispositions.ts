/** An account's dispositions: up to three levels. Accounts are found through the visibility rule (admins: every one). */
import { createDispositionService } from '../../services/dispositions';
import type { RouterContext } from '../deps';
import { childParams, idParams, z } from '../http';
import { listQuery, listResponse, page } from '../listing';
import { dispositionCreateSchema, dispositionSchema, dispositionUpdateSchema } from '../schemas/dispositions';

const everyone = ['admin', 'supervisor', 'agent'] as const;
const tags = ['Dispositions'];

export function registerDispositionRoutes({ route, store, visibility }: RouterContext): void {
  const dispositions = createDispositionService(store);

  route(
    {
      method: 'post',
      path: '/accounts/:id/dispositions',
      summary: 'Add a disposition to an account (parentId for the second and third level)',
      tags,
      roles: ['admin'],
      params: idParams,
      body: dispositionCreateSchema,
      errors: [409],
      response: dispositionSchema,
    },
    async ({ params, body, user }) => {
      await visibility.requireAccount(params.id, user);
      return dispositions.add(params.id, body);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/dispositions',
      summary: 'List the dispositions of an account',
      tags,
      roles: [...everyone],
      params: idParams,
      query: listQuery(['id', 'name', 'level'] as const, { level: z.enum(['1', '2', '3']).transform(Number).optional() }),
      response: listResponse(dispositionSchema),
    },
    async ({ params, query, user }) => {
      await visibility.requireAccount(params.id, user);
      const { level, ...list } = query;
      return page(list, (window) => store.dispositions.list(params.id, { level }, window));
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/dispositions/:childId',
      summary: 'Read a disposition',
      tags,
      roles: [...everyone],
      params: childParams,
      response: dispositionSchema,
    },
    async ({ params, user }) => {
      await visibility.requireAccount(params.id, user);
      return dispositions.require(params.id, params.childId);
    },
  );

  route(
    {
      method: 'patch',
      path: '/accounts/:id/dispositions/:childId',
      summary: 'Rename a disposition',
      tags,
      roles: ['admin'],
      params: childParams,
      body: dispositionUpdateSchema,
      errors: [409],
      response: dispositionSchema,
    },
    async ({ params, body }) => dispositions.rename(await dispositions.require(params.id, params.childId), body.name),
  );

  route(
    {
      method: 'delete',
      path: '/accounts/:id/dispositions/:childId',
      summary: 'Delete a disposition (and its lower levels)',
      tags,
      roles: ['admin'],
      params: childParams,
      status: 204,
    },
    async ({ params }) => {
      const disposition = await dispositions.require(params.id, params.childId);
      await store.dispositions.delete(disposition.id);
    },
  );
}
