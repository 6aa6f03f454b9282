/**
 * Queues: created, listed, changed (optimistic concurrency) and deleted; members with a weight and a priority. A
 * supervisor sees the queues that serve the accounts they are added to (the visibility rule).
 */
import { ConflictError, InvalidInputError, NotFoundError, PreconditionFailedError } from '../../domain/errors';
import { QUEUE_STRATEGIES } from '../../domain/offer-order';
import { checkPauseStatus } from '../../services/references';
import type { RouterContext } from '../deps';
import { checkIfMatch, etagOf, idParams, z } from '../http';
import { listQuery, listResponse, page, queryText } from '../listing';
import { presentQueue } from '../presenters';
import { queueCreateSchema, queueMembersSchema, queueSchema, queueUpdateSchema } from '../schemas/queues';

const staff = ['admin', 'supervisor'] as const;
const tags = ['Queues'];

export function registerQueueRoutes({ route, store, visibility }: RouterContext): void {
  async function requireQueue(id: number) {
    const queue = await store.queues.find(id);
    if (!queue) throw new NotFoundError(`queue ${id}`);
    return queue;
  }

  async function requireNameFree(name: string) {
    if (await store.queues.findByName(name)) throw new ConflictError(`a queue named ${name} already exists`);
  }

  route(
    {
      method: 'post',
      path: '/queues',
      summary: 'Create a queue',
      tags,
      roles: ['admin'],
      body: queueCreateSchema,
      errors: [409],
      response: queueSchema,
    },
    async ({ body }) => {
      await requireNameFree(body.name);
      await checkPauseStatus(store, body.notRespondingPauseStatusId, 'notRespondingPauseStatusId');
      return presentQueue(await store.queues.create(body));
    },
  );

  route(
    {
      method: 'get',
      path: '/queues',
      summary: 'List queues',
      tags,
      roles: [...staff],
      query: listQuery(['id', 'name', 'strategy', 'updatedAt'] as const, {
        strategy: z.enum(QUEUE_STRATEGIES).optional(),
        q: queryText.optional().openapi({ description: 'name contains (case-insensitive)' }),
      }),
      response: listResponse(queueSchema),
    },
    async ({ query, user }) => {
      const { strategy, q, ...list } = query;
      const withinAccounts = await visibility.scope(user);
      return page(list, (window) => store.queues.list({ strategy, q, withinAccounts }, window), presentQueue);
    },
  );

  route(
    {
      method: 'get',
      path: '/queues/:id',
      summary: 'Read a queue (ETag: its updatedAt)',
      tags,
      roles: [...staff],
      params: idParams,
      response: queueSchema,
    },
    async ({ params, response, user }) => {
      const queue = await visibility.requireQueue(params.id, user);
      response.setHeader('ETag', etagOf(queue.updatedAt));
      return presentQueue(queue);
    },
  );

  route(
    {
      method: 'patch',
      path: '/queues/:id',
      summary: 'Change a queue (If-Match: 412 on a stale ETag)',
      tags,
      roles: ['admin'],
      params: idParams,
      body: queueUpdateSchema,
      ifMatch: true,
      errors: [409],
      response: queueSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requireQueue(params.id);
      checkIfMatch(request, current.updatedAt, `queue ${params.id}`);
      if (body.name && body.name !== current.name) await requireNameFree(body.name);
      await checkPauseStatus(store, body.notRespondingPauseStatusId, 'notRespondingPauseStatusId');
      if (!(await store.queues.updateIfUnchanged(params.id, current.updatedAt, body)))
        throw new PreconditionFailedError(`queue ${params.id} changed while you were saving it`);
      const queue = await requireQueue(params.id);
      response.setHeader('ETag', etagOf(queue.updatedAt));
      return presentQueue(queue);
    },
  );

  route(
    { method: 'delete', path: '/queues/:id', summary: 'Delete a queue', tags, roles: ['admin'], params: idParams, status: 204 },
    async ({ params }) => {
      await requireQueue(params.id);
      await store.queues.delete(params.id);
    },
  );

  route(
    {
      method: 'get',
      path: '/queues/:id/members',
      summary: 'The members of a queue, with weight (0-10) and priority',
      tags,
      roles: [...staff],
      params: idParams,
      response: queueMembersSchema,
    },
    async ({ params, user }) => {
      await visibility.requireQueue(params.id, user);
      return { members: await store.queues.members(params.id) };
    },
  );

  route(
    {
      method: 'put',
      path: '/queues/:id/members',
      summary: 'Set the members of a queue',
      tags,
      roles: ['admin'],
      params: idParams,
      body: queueMembersSchema,
      status: 200,
      response: queueMembersSchema,
    },
    async ({ params, body }) => {
      await requireQueue(params.id);
      const agentIds = body.members.map((member) => member.agentId);
      if (new Set(agentIds).size !== agentIds.length)
        throw new InvalidInputError('members names an agent twice', [{ field: 'members', reason: 'duplicate agentId' }]);
      if ((await store.users.countExisting(agentIds)) !== agentIds.length)
        throw new InvalidInputError('members names unknown agents', [{ field: 'members', reason: 'unknown agent id' }]);
      await store.queues.setMembers(params.id, body.members);
      return body;
    },
  );
}
