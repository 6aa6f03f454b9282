/** Users (agents, supervisors, admins): created, listed, changed (optimistic concurrency) and deleted by admins. */
import { NotFoundError } from '../../domain/errors';
import { PRESENCES, ROLES } from '../../domain/people';
import { createUserService } from '../../services/users';
import type { RouterContext } from '../deps';
import { checkIfMatch, etagOf, idParams, z } from '../http';
import { listQuery, listResponse, page, queryId, queryText } from '../listing';
import { userCreateSchema, userSchema, userUpdateSchema } from '../schemas/users';

const tags = ['Users'];

export function registerUserRoutes({ route, store, presence, visibility, accessChanged }: RouterContext): void {
  const users = createUserService({ store, presence });

  route(
    {
      method: 'post',
      path: '/users',
      summary: 'Create a user (agent, supervisor or admin)',
      tags,
      roles: ['admin'],
      body: userCreateSchema,
      errors: [409],
      response: userSchema,
    },
    async ({ body }) => users.create(body),
  );

  route(
    {
      method: 'get',
      path: '/users',
      summary: 'List users',
      tags,
      roles: ['admin', 'supervisor'],
      query: listQuery(['id', 'name', 'email', 'role', 'presence', 'updatedAt'] as const, {
        role: z.enum(ROLES).optional(),
        presence: z.enum(PRESENCES).optional(),
        accountId: queryId.optional().openapi({ description: 'only agents added to this account' }),
        q: queryText.optional().openapi({ description: 'name or email contains (case-insensitive)' }),
      }),
      errors: [404],
      response: listResponse(userSchema),
    },
    async ({ query, user }) => {
      const { role, presence, accountId, q, ...list } = query;
      // Supervisors see the people of the accounts they are added to.
      if (accountId !== undefined) await visibility.requireAccount(accountId, user);
      const withinAccounts = await visibility.scope(user);
      return page(list, (window) => store.users.list({ role, presence, accountId, q, withinAccounts }, window));
    },
  );

  route(
    {
      method: 'get',
      path: '/users/:id',
      summary: 'Read a user (ETag: its updatedAt)',
      tags,
      roles: ['admin', 'supervisor'],
      params: idParams,
      response: userSchema,
    },
    async ({ params, response, user: asker }) => {
      const scope = await visibility.scope(asker);
      if (scope !== undefined && params.id !== asker.id && !(await store.users.inAccounts(params.id, scope)))
        throw new NotFoundError(`user ${params.id}`);
      const user = await users.require(params.id);
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
      tags,
      roles: ['admin'],
      params: idParams,
      body: userUpdateSchema,
      ifMatch: true,
      errors: [409],
      response: userSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await users.require(params.id);
      checkIfMatch(request, current.updatedAt, `user ${params.id}`);
      const user = await users.update(current, body);
      if (user.role !== current.role || body.password !== undefined) await accessChanged([user.id]);
      response.setHeader('ETag', etagOf(user.updatedAt));
      return user;
    },
  );

  route(
    {
      method: 'delete',
      path: '/users/:id',
      summary: 'Delete a user (never yourself, never the last admin: 409)',
      tags,
      roles: ['admin'],
      params: idParams,
      status: 204,
      errors: [409],
    },
    async ({ params, user }) => {
      await users.remove(params.id, user.id);
      await accessChanged([params.id]);
    },
  );
}
