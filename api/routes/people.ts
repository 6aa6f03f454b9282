/** Users (agents, supervisors, admins), presence, login, and queues. */
import { signalPresenceChange } from '../../services/presence';
import { hashPassword, issueToken, verifyPassword } from '../auth';
import type { RouterContext } from '../deps';
import { checkPauseStatus } from '../services/references';
import { AppError, checkIfMatch, etagOf, idParams, z } from '../http';
import {
  loginSchema,
  presenceSchema,
  queueCreateSchema,
  queueMembersSchema,
  queueSchema,
  queueStrategies,
  queueUpdateSchema,
  userCreateSchema,
  userSchema,
  userUpdateSchema,
} from '../schemas';
import { listQuery, listResponse, page, queryId, queryText } from '../services/listing';
import { presentQueue, userFields } from '../services/presenters';

export function registerPeopleRoutes({ route, deps, store }: RouterContext): void {
  const { db, temporal } = deps;

  route(
    {
      method: 'post',
      path: '/auth/login',
      summary: 'Log in and receive a bearer token',
      tags: ['Auth'],
      roles: 'public',
      body: loginSchema,
      status: 200,
      response: z.object({ token: z.string(), user: userSchema }),
    },
    async ({ body }) => {
      const user = await db.user.findUnique({ where: { email: body.email.toLowerCase() } });
      if (!user || !(await verifyPassword(body.password, user.passwordHash))) throw AppError.unauthorized('wrong email or password');
      const { token } = await issueToken(db, { userId: user.id, name: 'login', ttlSeconds: 12 * 3600 });
      return { token, user: await db.user.findUniqueOrThrow({ where: { id: user.id }, select: userFields }) };
    },
  );

  route(
    {
      method: 'post',
      path: '/users',
      summary: 'Create a user (agent, supervisor or admin)',
      tags: ['Users'],
      roles: ['admin'],
      body: userCreateSchema,
      response: userSchema,
    },
    async ({ body }) => {
      const email = body.email.toLowerCase();
      if (await db.user.findUnique({ where: { email } })) throw AppError.conflict(`a user with email ${email} already exists`);
      const { password, ...rest } = body;
      return db.user.create({ data: { ...rest, email, passwordHash: password ? await hashPassword(password) : null }, select: userFields });
    },
  );

  route(
    {
      method: 'get',
      path: '/users',
      summary: 'List users',
      tags: ['Users'],
      roles: ['admin', 'supervisor'],
      query: listQuery(['id', 'name', 'email', 'role', 'presence', 'updatedAt'] as const, {
        role: z.enum(['admin', 'supervisor', 'agent']).optional(),
        presence: z.enum(['online', 'paused', 'offline']).optional(),
        accountId: queryId.optional().openapi({ description: 'only agents added to this account' }),
        q: queryText.optional().openapi({ description: 'name or email contains (case-insensitive)' }),
      }),
      response: listResponse(userSchema),
    },
    async ({ query }) => {
      const { role, presence, accountId, q, ...list } = query;
      const where = {
        ...(role ? { role } : {}),
        ...(presence ? { presence } : {}),
        ...(accountId ? { accountAgents: { some: { accountId } } } : {}),
        ...(q
          ? { OR: [{ name: { contains: q, mode: 'insensitive' as const } }, { email: { contains: q, mode: 'insensitive' as const } }] }
          : {}),
      };
      return page(list, (args) => db.user.findMany({ where, select: userFields, ...args }));
    },
  );

  async function requireUser(id: number) {
    const user = await db.user.findUnique({ where: { id }, select: userFields });
    if (!user) throw AppError.notFound(`user ${id}`);
    return user;
  }

  route(
    {
      method: 'get',
      path: '/users/:id',
      summary: 'Read a user (ETag: its updatedAt)',
      tags: ['Users'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      response: userSchema,
    },
    async ({ params, response }) => {
      const user = await requireUser(params.id);
      response.setHeader('ETag', etagOf(user.updatedAt));
      return user;
    },
  );

  route(
    {
      method: 'patch',
      path: '/users/:id',
      summary:
        'Change a user: name, email, role, password, capacity, presence (paused with a pause status) (If-Match: 412 on a stale ETag)',
      tags: ['Users'],
      roles: ['admin'],
      params: idParams,
      body: userUpdateSchema,
      response: userSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requireUser(params.id);
      checkIfMatch(request, current.updatedAt, `user ${params.id}`);
      const { password, email, presence, pauseStatusId, ...rest } = body;
      const data: Record<string, unknown> = { ...rest };
      if (email !== undefined) {
        const lower = email.toLowerCase();
        if (lower !== current.email && (await db.user.findUnique({ where: { email: lower } })))
          throw AppError.conflict(`a user with email ${lower} already exists`);
        data.email = lower;
      }
      if (password !== undefined) data.passwordHash = await hashPassword(password);
      await checkPauseStatus(db, pauseStatusId, 'pauseStatusId');
      const nextPresence = presence ?? current.presence;
      if (pauseStatusId != null && nextPresence !== 'paused')
        throw AppError.badRequest('pauseStatusId is only for a paused user', [
          { field: 'pauseStatusId', reason: 'the user is not paused' },
        ]);
      if (presence !== undefined) data.presence = presence;
      if (presence !== undefined && presence !== 'paused') data.pauseStatusId = null;
      else if (pauseStatusId !== undefined) data.pauseStatusId = pauseStatusId;
      const updated = await db.user.updateMany({ where: { id: params.id, updatedAt: current.updatedAt }, data });
      if (updated.count === 0) throw AppError.preconditionFailed(`user ${params.id} changed while you were saving it`);
      if (presence !== undefined && presence !== current.presence) await notifyRouting(params.id, presence === 'online');
      const user = await requireUser(params.id);
      response.setHeader('ETag', etagOf(user.updatedAt));
      return user;
    },
  );

  route(
    { method: 'delete', path: '/users/:id', summary: 'Delete a user', tags: ['Users'], roles: ['admin'], params: idParams, status: 204 },
    async ({ params, user }) => {
      await requireUser(params.id);
      if (params.id === user.id) throw AppError.conflict('you cannot delete yourself');
      await db.user.delete({ where: { id: params.id } });
    },
  );

  route(
    {
      method: 'get',
      path: '/me',
      summary: 'Who am I',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      response: userSchema,
    },
    async ({ user }) => db.user.findUniqueOrThrow({ where: { id: user.id }, select: userFields }),
  );

  route(
    {
      method: 'put',
      path: '/me/presence',
      summary: 'Go online, pause (with a reason) or go offline',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      body: presenceSchema,
      status: 200,
      response: userSchema,
    },
    async ({ user, body }) => {
      if (body.presence === 'paused') await checkPauseStatus(db, body.pauseStatusId, 'pauseStatusId');
      const updated = await db.user.update({
        where: { id: user.id },
        data: { presence: body.presence, pauseStatusId: body.presence === 'paused' ? (body.pauseStatusId ?? null) : null },
        select: userFields,
      });
      await notifyRouting(user.id, body.presence === 'online');
      return updated;
    },
  );

  const notifyRouting = (agentId: number, available: boolean) => signalPresenceChange({ store, temporal }, agentId, available);

  route(
    {
      method: 'post',
      path: '/queues',
      summary: 'Create a queue',
      tags: ['Queues'],
      roles: ['admin'],
      body: queueCreateSchema,
      response: queueSchema,
    },
    async ({ body }) => {
      if (await db.queue.findUnique({ where: { name: body.name } })) throw AppError.conflict(`a queue named ${body.name} already exists`);
      await checkPauseStatus(db, body.notRespondingPauseStatusId, 'notRespondingPauseStatusId');
      return presentQueue(await db.queue.create({ data: body }));
    },
  );

  route(
    {
      method: 'get',
      path: '/queues',
      summary: 'List queues',
      tags: ['Queues'],
      roles: ['admin', 'supervisor'],
      query: listQuery(['id', 'name', 'strategy', 'updatedAt'] as const, {
        strategy: z.enum(queueStrategies).optional(),
        q: queryText.optional().openapi({ description: 'name contains (case-insensitive)' }),
      }),
      response: listResponse(queueSchema),
    },
    async ({ query }) => {
      const { strategy, q, ...list } = query;
      const where = { ...(strategy ? { strategy } : {}), ...(q ? { name: { contains: q, mode: 'insensitive' as const } } : {}) };
      return page(list, (args) => db.queue.findMany({ where, ...args }), presentQueue);
    },
  );

  async function requireQueue(id: number) {
    const queue = await db.queue.findUnique({ where: { id } });
    if (!queue) throw AppError.notFound(`queue ${id}`);
    return queue;
  }

  route(
    {
      method: 'get',
      path: '/queues/:id',
      summary: 'Read a queue (ETag: its updatedAt)',
      tags: ['Queues'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      response: queueSchema,
    },
    async ({ params, response }) => {
      const queue = await requireQueue(params.id);
      response.setHeader('ETag', etagOf(queue.updatedAt));
      return presentQueue(queue);
    },
  );

  route(
    {
      method: 'patch',
      path: '/queues/:id',
      summary: 'Change a queue (If-Match: 412 on a stale ETag)',
      tags: ['Queues'],
      roles: ['admin'],
      params: idParams,
      body: queueUpdateSchema,
      response: queueSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requireQueue(params.id);
      checkIfMatch(request, current.updatedAt, `queue ${params.id}`);
      if (body.name && body.name !== current.name && (await db.queue.findUnique({ where: { name: body.name } })))
        throw AppError.conflict(`a queue named ${body.name} already exists`);
      await checkPauseStatus(db, body.notRespondingPauseStatusId, 'notRespondingPauseStatusId');
      const updated = await db.queue.updateMany({ where: { id: params.id, updatedAt: current.updatedAt }, data: body });
      if (updated.count === 0) throw AppError.preconditionFailed(`queue ${params.id} changed while you were saving it`);
      const queue = await requireQueue(params.id);
      response.setHeader('ETag', etagOf(queue.updatedAt));
      return presentQueue(queue);
    },
  );

  route(
    { method: 'delete', path: '/queues/:id', summary: 'Delete a queue', tags: ['Queues'], roles: ['admin'], params: idParams, status: 204 },
    async ({ params }) => {
      await requireQueue(params.id);
      await db.queue.delete({ where: { id: params.id } });
    },
  );

  route(
    {
      method: 'get',
      path: '/queues/:id/members',
      summary: 'The members of a queue, with weight (0-10) and priority',
      tags: ['Queues'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      response: queueMembersSchema,
    },
    async ({ params }) => {
      await requireQueue(params.id);
      const members = await db.queueMember.findMany({ where: { queueId: params.id }, orderBy: { userId: 'asc' } });
      return { members: members.map((member) => ({ agentId: member.userId, weight: member.weight, priority: member.priority })) };
    },
  );

  route(
    {
      method: 'put',
      path: '/queues/:id/members',
      summary: 'Set the members of a queue',
      tags: ['Queues'],
      roles: ['admin'],
      params: idParams,
      body: queueMembersSchema,
      status: 200,
      response: queueMembersSchema,
    },
    async ({ params, body }) => {
      if (!(await db.queue.findUnique({ where: { id: params.id } }))) throw AppError.notFound(`queue ${params.id}`);
      const agentIds = body.members.map((member) => member.agentId);
      if (new Set(agentIds).size !== agentIds.length)
        throw AppError.badRequest('members names an agent twice', [{ field: 'members', reason: 'duplicate agentId' }]);
      const known = await db.user.count({ where: { id: { in: agentIds } } });
      if (known !== new Set(agentIds).size)
        throw AppError.badRequest('members names unknown agents', [{ field: 'members', reason: 'unknown agent id' }]);
      await db.$transaction([
        db.queueMember.deleteMany({ where: { queueId: params.id } }),
        db.queueMember.createMany({
          data: body.members.map((member) => ({
            queueId: params.id,
            userId: member.agentId,
            weight: member.weight,
            priority: member.priority,
          })),
        }),
      ]);
      return body;
    },
  );
}
