/** Email accounts: create, list, read, change (optimistic concurrency), delete, and Verify SMTP. */
import { MAIL_SERVICES } from '../../domain/account';
import { createAccountService } from '../../services/accounts';
import { verifySmtp } from '../../services/verify-smtp';
import type { RouterContext } from '../deps';
import { checkIfMatch, etagOf, idParams, z } from '../http';
import { listQuery, listResponse, page, queryBoolean, queryText } from '../listing';
import { presentAccount } from '../presenters';
import { accountCreateSchema, accountSchema, accountUpdateSchema, verifySmtpSchema } from '../schemas/accounts';

const everyone = ['admin', 'supervisor', 'agent'] as const;
const tags = ['Email accounts'];

export function registerAccountRoutes({ route, deps, store, visibility, accessChanged }: RouterContext): void {
  const { secrets, watchers, logger, outbound } = deps;
  const accounts = createAccountService({ store, secrets, watchers, logger, outbound });

  route(
    {
      method: 'post',
      path: '/accounts',
      summary: 'Create an email account',
      tags,
      roles: ['admin'],
      body: accountCreateSchema,
      errors: [409],
      response: accountSchema,
    },
    async ({ body, request, response, user }) => {
      const account = await accounts.create(body, new Set(Object.keys(request.body as object)), user.id);
      response.setHeader('ETag', etagOf(account.updatedAt));
      return presentAccount(account);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts',
      summary: 'List email accounts (agents and supervisors: only the accounts they are added to)',
      tags,
      roles: [...everyone],
      query: listQuery(['id', 'name', 'key', 'createdAt', 'updatedAt'] as const, {
        active: queryBoolean.optional(),
        service: z.enum(MAIL_SERVICES).optional(),
        q: queryText.optional().openapi({ description: 'name, key or email address contains (case-insensitive)' }),
      }),
      response: listResponse(accountSchema),
    },
    async ({ user, query }) => {
      const { active, service, q, ...list } = query;
      return page(list, (window) => store.accounts.list({ visibleTo: user, active, service, q }, window), presentAccount);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id',
      summary: 'Read an email account (ETag: its updatedAt)',
      tags,
      roles: [...everyone],
      params: idParams,
      response: accountSchema,
    },
    async ({ params, user, response }) => {
      const account = await visibility.requireAccount(params.id, user);
      response.setHeader('ETag', etagOf(account.updatedAt));
      return presentAccount(account);
    },
  );

  route(
    {
      method: 'patch',
      path: '/accounts/:id',
      summary: 'Change an email account (If-Match: the ETag you read, else 412)',
      tags,
      roles: ['admin'],
      params: idParams,
      body: accountUpdateSchema,
      ifMatch: true,
      errors: [409],
      response: accountSchema,
    },
    async ({ params, body, request, response, user }) => {
      const current = await accounts.require(params.id);
      checkIfMatch(request, current.updatedAt, `email account ${params.id}`);
      const account = await accounts.update(current, body, user.id);
      response.setHeader('ETag', etagOf(account.updatedAt));
      return presentAccount(account);
    },
  );

  route(
    { method: 'delete', path: '/accounts/:id', summary: 'Delete an email account', tags, roles: ['admin'], params: idParams, status: 204 },
    async ({ params, user }) => {
      await accounts.remove(await accounts.require(params.id), user.id);
      await accessChanged(null);
    },
  );

  route(
    {
      method: 'post',
      path: '/accounts/:id/verify-smtp',
      summary: "Connect to the account's SMTP server with its settings and report success or the server's exact error",
      tags,
      roles: ['admin'],
      params: idParams,
      status: 200,
      response: verifySmtpSchema,
    },
    async ({ params }) => verifySmtp(await accounts.require(params.id), secrets, outbound),
  );
}
