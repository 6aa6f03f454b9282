/** API tokens for integrations and people: the token is shown once, only its hash is stored. */
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../domain/errors';
import { issueToken } from '../../services/auth';
import type { RouterContext } from '../deps';
import { idParams } from '../http';
import { listQuery, listResponse, page, queryBoolean, queryId } from '../listing';
import { presentToken } from '../presenters';
import { issuedTokenSchema, tokenCreateSchema, tokenSchema } from '../schemas/tokens';

const everyone = ['admin', 'supervisor', 'agent'] as const;
const tags = ['API tokens'];

export function registerTokenRoutes({ route, store, accessChanged }: RouterContext): void {
  route(
    {
      method: 'post',
      path: '/tokens',
      summary: 'Create an API token (shown once in the response; admins may issue one for another user)',
      tags,
      roles: [...everyone],
      body: tokenCreateSchema,
      response: issuedTokenSchema,
    },
    async ({ body, user }) => {
      const userId = body.userId ?? user.id;
      if (userId !== user.id && user.role !== 'admin') throw new ForbiddenError('only admins issue tokens for other users');
      if (!(await store.users.find(userId))) throw InvalidInputError.field('userId', 'no such user');
      const { token, id } = await issueToken(store.tokens, { userId, name: body.name, ttlSeconds: body.ttlSeconds });
      const row = await store.tokens.find(id);
      if (!row) throw new NotFoundError(`token ${id}`);
      return { ...presentToken(row), token };
    },
  );

  route(
    {
      method: 'get',
      path: '/tokens',
      summary: 'List API tokens (your own; admins: everyone’s, or one user’s with userId)',
      tags,
      roles: [...everyone],
      query: listQuery(['id', 'name', 'createdAt'] as const, { userId: queryId.optional(), revoked: queryBoolean.optional() }),
      response: listResponse(tokenSchema),
    },
    async ({ query, user }) => {
      const { userId, revoked, ...list } = query;
      if (userId !== undefined && userId !== user.id && user.role !== 'admin')
        throw new ForbiddenError('only admins list other users’ tokens');
      const owner = user.role === 'admin' ? userId : user.id;
      return page(list, (window) => store.tokens.list({ userId: owner, revoked }, window), presentToken);
    },
  );

  route(
    {
      method: 'delete',
      path: '/tokens/:id',
      summary: 'Revoke an API token (your own; admins: any)',
      tags,
      roles: [...everyone],
      params: idParams,
      status: 204,
    },
    async ({ params, user }) => {
      const row = await store.tokens.find(params.id);
      if (!row || (row.userId !== user.id && user.role !== 'admin')) throw new NotFoundError(`token ${params.id}`);
      if (!row.revokedAt) await store.tokens.revoke(row.id, new Date());
      await accessChanged([row.userId]);
    },
  );
}
