/** Pause statuses: the reasons an agent gives for a pause (ETag: a hash of the row). */
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { RouterContext } from '../deps';
import { checkIfMatch, contentTag, etagOf, idParams } from '../http';
import { listQuery, listResponse, page, queryText } from '../listing';
import { pauseStatusCreateSchema, pauseStatusSchema, pauseStatusUpdateSchema } from '../schemas/pause-statuses';

const everyone = ['admin', 'supervisor', 'agent'] as const;
const tags = ['Pause statuses'];

export function registerPauseStatusRoutes({ route, store }: RouterContext): void {
  async function requirePauseStatus(id: number) {
    const row = await store.pauseStatuses.find(id);
    if (!row) throw new NotFoundError(`pause status ${id}`);
    return row;
  }

  async function requireNameFree(name: string) {
    if (await store.pauseStatuses.findByName(name)) throw new ConflictError(`a pause status named ${name} already exists`);
  }

  route(
    {
      method: 'post',
      path: '/pause-statuses',
      summary: 'Create a pause status',
      tags,
      roles: ['admin'],
      body: pauseStatusCreateSchema,
      errors: [409],
      response: pauseStatusSchema,
    },
    async ({ body }) => {
      await requireNameFree(body.name);
      return store.pauseStatuses.create(body);
    },
  );

  route(
    {
      method: 'get',
      path: '/pause-statuses',
      summary: 'List pause statuses',
      tags,
      roles: [...everyone],
      query: listQuery(['id', 'name'] as const, { q: queryText.optional() }),
      response: listResponse(pauseStatusSchema),
    },
    async ({ query }) => {
      const { q, ...list } = query;
      return page(list, (window) => store.pauseStatuses.list({ q }, window));
    },
  );

  route(
    {
      method: 'get',
      path: '/pause-statuses/:id',
      summary: 'Read a pause status',
      tags,
      roles: [...everyone],
      params: idParams,
      response: pauseStatusSchema,
    },
    async ({ params, response }) => {
      const row = await requirePauseStatus(params.id);
      response.setHeader('ETag', etagOf(contentTag(row)));
      return row;
    },
  );

  route(
    {
      method: 'patch',
      path: '/pause-statuses/:id',
      summary: 'Change a pause status (If-Match: 412 on a stale ETag)',
      tags,
      roles: ['admin'],
      params: idParams,
      body: pauseStatusUpdateSchema,
      ifMatch: true,
      errors: [409],
      response: pauseStatusSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requirePauseStatus(params.id);
      checkIfMatch(request, contentTag(current), `pause status ${params.id}`);
      if (body.name && body.name !== current.name) await requireNameFree(body.name);
      const row = await store.pauseStatuses.update(params.id, body);
      response.setHeader('ETag', etagOf(contentTag(row)));
      return row;
    },
  );

  route(
    {
      method: 'delete',
      path: '/pause-statuses/:id',
      summary: 'Delete a pause status',
      tags,
      roles: ['admin'],
      params: idParams,
      status: 204,
    },
    async ({ params }) => {
      await requirePauseStatus(params.id);
      await store.pauseStatuses.delete(params.id);
    },
  );
}
