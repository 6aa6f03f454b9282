/** Canned answers: global (accountId null) or one account's own; an account is offered both. */
import { InvalidInputError, NotFoundError, PreconditionFailedError } from '../../domain/errors';
import type { RouterContext } from '../deps';
import { checkIfMatch, etagOf, idParams } from '../http';
import { listQuery, listResponse, page, queryBoolean, queryId, queryText } from '../listing';
import { presentCannedAnswer } from '../presenters';
import { cannedAnswerCreateSchema, cannedAnswerSchema, cannedAnswerUpdateSchema } from '../schemas/canned-answers';

const everyone = ['admin', 'supervisor', 'agent'] as const;
const staff = ['admin', 'supervisor'] as const;
const tags = ['Canned answers'];

export function registerCannedAnswerRoutes({ route, store, visibility }: RouterContext): void {
  async function requireCannedAnswer(id: number) {
    const row = await store.cannedAnswers.find(id);
    if (!row) throw new NotFoundError(`canned answer ${id}`);
    return row;
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
      response: cannedAnswerSchema,
    },
    async ({ body }) => {
      if (body.accountId !== null && !(await store.accounts.find(body.accountId)))
        throw InvalidInputError.field('accountId', 'no such email account');
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
      response: listResponse(cannedAnswerSchema),
    },
    async ({ query }) => {
      const { global, accountId, q, ...list } = query;
      return page(list, (window) => store.cannedAnswers.list({ global, accountId, q }, window), presentCannedAnswer);
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
    async ({ params, response }) => {
      const row = await requireCannedAnswer(params.id);
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
      response: cannedAnswerSchema,
    },
    async ({ params, body, request, response }) => {
      const current = await requireCannedAnswer(params.id);
      checkIfMatch(request, current.updatedAt, `canned answer ${params.id}`);
      if (!(await store.cannedAnswers.updateIfUnchanged(params.id, current.updatedAt, body)))
        throw new PreconditionFailedError(`canned answer ${params.id} changed while you were saving it`);
      const row = await requireCannedAnswer(params.id);
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
    async ({ params }) => {
      await requireCannedAnswer(params.id);
      await store.cannedAnswers.delete(params.id);
    },
  );
}
