/**
 * Canned answers: global (accountId null) or one account's own; an account is offered both. A supervisor manages
 * the answers of the accounts they are added to; global answers reach every account's customers, so only admins
 * change them.
 */
import { ForbiddenError, InvalidInputError, NotFoundError, PreconditionFailedError } from '../../domain/errors';
import type { Actor } from '../../domain/people';
import type { RouterContext } from '../deps';
import { checkIfMatch, etagOf, idParams } from '../http';
import { listQuery, listResponse, page, queryBoolean, queryId, queryText } from '../listing';
import { presentCannedAnswer } from '../presenters';
import { cannedAnswerCreateSchema, cannedAnswerSchema, cannedAnswerUpdateSchema } from '../schemas/canned-answers';

const everyone = ['admin', 'supervisor', 'agent'] as const;
const staff = ['admin', 'supervisor'] as const;
const tags = ['Canned answers'];

export function registerCannedAnswerRoutes({ route, store, visibility }: RouterContext): void {
  /** The answer, when the user may see it: a global one, or one of an account they may see; 404 otherwise. */
  async function requireCannedAnswer(id: number, user: Actor) {
    const row = await store.cannedAnswers.find(id);
    if (!row) throw new NotFoundError(`canned answer ${id}`);
    if (row.accountId !== null)
      await visibility.requireAccount(row.accountId, user).catch(() => Promise.reject(new NotFoundError(`canned answer ${id}`)));
    return row;
  }

  /** Who may write an answer of this account (null: a global one). */
  async function mayWrite(accountId: number | null, user: Actor): Promise<void> {
    if (accountId === null) {
      if (user.role !== 'admin') throw new ForbiddenError('only admins change global canned answers: they are offered on every account');
      return;
    }
    // An account the user may not see answers as an unknown one: the answer tells nothing of other accounts.
    if (user.role === 'admin' && !(await store.accounts.find(accountId)))
      throw InvalidInputError.field('accountId', 'no such email account');
    await visibility.requireAccount(accountId, user);
  }

  route(
    {
      method: 'get',
      path: '/accounts/:id/canned-answers',
      summary: "The canned answers offered on an account: the global ones and the account's own",
      tags,
      roles: [...everyone],
      params: idParams,
      query: listQuery(['id', 'name', 'updatedAt'] as const, { q: queryText.optional() }),
      response: listResponse(cannedAnswerSchema),
    },
    async ({ params, query, user }) => {
      await visibility.requireAccount(params.id, user);
      const { q, ...list } = query;
      return page(list, (window) => store.cannedAnswers.list({ offeredOn: params.id, q }, window), presentCannedAnswer);
    },
  );

  route(
    {
      method: 'post',
      path: '/canned-answers',
      summary: 'Create a canned answer, global (accountId null) or for one account',
      tags,
      roles: [...staff],
      body: cannedAnswerCreateSchema,
      errors: [404],
      response: cannedAnswerSchema,
    },
    async ({ body, user }) => {
      await mayWrite(body.accountId, user);
      return presentCannedAnswer(await store.cannedAnswers.create(body));
    },
  );

  route(
    {
      method: 'get',
      path: '/canned-answers',
      summary: 'List canned answers (global: true for the global ones only; accountId for one account’s own)',
      tags,
      roles: [...staff],
      query: listQuery(['id', 'name', 'updatedAt'] as const, {
        global: queryBoolean.optional(),
        accountId: queryId.optional(),
        q: queryText.optional(),
      }),
      errors: [404],
      response: listResponse(cannedAnswerSchema),
    },
    async ({ query, user }) => {
      const { global, accountId, q, ...list } = query;
      if (accountId !== undefined) await visibility.requireAccount(accountId, user);
      const withinAccounts = await visibility.scope(user);
      return page(list, (window) => store.cannedAnswers.list({ global, accountId, q, withinAccounts }, window), presentCannedAnswer);
    },
  );

  route(
    {
      method: 'get',
      path: '/canned-answers/:id',
      summary: 'Read a canned answer (ETag: its updatedAt)',
      tags,
      roles: [...staff],
      params: idParams,
      response: cannedAnswerSchema,
    },
    async ({ params, response, user }) => {
      const row = await requireCannedAnswer(params.id, user);
      response.setHeader('ETag', etagOf(row.updatedAt));
      return presentCannedAnswer(row);
    },
  );

  route(
    {
      method: 'patch',
      path: '/canned-answers/:id',
      summary: 'Change a canned answer (If-Match: 412 on a stale ETag)',
      tags,
      roles: [...staff],
      params: idParams,
      body: cannedAnswerUpdateSchema,
      ifMatch: true,
      response: cannedAnswerSchema,
    },
    async ({ params, body, request, response, user }) => {
      const current = await requireCannedAnswer(params.id, user);
      await mayWrite(current.accountId, user);
      checkIfMatch(request, current.updatedAt, `canned answer ${params.id}`);
      if (!(await store.cannedAnswers.updateIfUnchanged(params.id, current.updatedAt, body)))
        throw new PreconditionFailedError(`canned answer ${params.id} changed while you were saving it`);
      const row = await requireCannedAnswer(params.id, user);
      response.setHeader('ETag', etagOf(row.updatedAt));
      return presentCannedAnswer(row);
    },
  );

  route(
    {
      method: 'delete',
      path: '/canned-answers/:id',
      summary: 'Delete a canned answer',
      tags,
      roles: [...staff],
      params: idParams,
      status: 204,
    },
    async ({ params, user }) => {
      const row = await requireCannedAnswer(params.id, user);
      await mayWrite(row.accountId, user);
      await store.cannedAnswers.delete(params.id);
    },
  );
}
