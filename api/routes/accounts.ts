import { AppError, idParams, z } from '../http';
import type { RouterContext } from '../deps';
import {
  accountCreateSchema,
  accountSchema,
  accountUpdateSchema,
  actionPlanSchema,
  dispositionCreateSchema,
  idListSchema,
} from '../schemas';
import { accountColumns, accountResponse, requireAccount } from '../services/accounts';
import { validateActionPlan } from '../../lib/action-plan';

export function registerAccountRoutes({ route, deps }: RouterContext): void {
  const { db, secrets, watchers } = deps;
  const tags = ['Email accounts'];

  route(
    {
      method: 'post',
      path: '/accounts',
      summary: 'Create an email account',
      tags,
      roles: ['admin'],
      body: accountCreateSchema,
      response: accountSchema,
    },
    async ({ body }) => {
      if (await db.emailAccount.findUnique({ where: { key: body.key } })) {
        throw AppError.conflict(`an account with key ${body.key} already exists`);
      }
      const account = await db.emailAccount.create({ data: accountColumns(body, secrets) as never });
      await watchers.sync(account, 'created');
      return accountResponse(account);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts',
      summary: 'List email accounts',
      tags,
      roles: ['admin', 'supervisor', 'agent'],
      response: z.array(accountSchema),
    },
    async ({ user }) => {
      const accounts = await db.emailAccount.findMany({
        where: user.role === 'admin' ? {} : { agents: { some: { userId: user.id } } },
        orderBy: { id: 'asc' },
      });
      return accounts.map(accountResponse);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id',
      summary: 'Read an email account',
      tags,
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      response: accountSchema,
    },
    async ({ params, user }) => {
      const account = await requireAccount(db, params.id);
      if (
        user.role !== 'admin' &&
        !(await db.accountAgent.findUnique({ where: { accountId_userId: { accountId: account.id, userId: user.id } } }))
      ) {
        throw AppError.notFound(`email account ${params.id}`);
      }
      return accountResponse(account);
    },
  );

  route(
    {
      method: 'patch',
      path: '/accounts/:id',
      summary: 'Change an email account',
      tags,
      roles: ['admin'],
      params: idParams,
      body: accountUpdateSchema,
      response: accountSchema,
    },
    async ({ params, body, request }) => {
      const current = await requireAccount(db, params.id);
      const ifMatch = request.headers['if-match'];
      if (ifMatch && ifMatch !== `"${current.updatedAt.toISOString()}"`)
        throw AppError.preconditionFailed('the account changed since you read it');
      if (body.key && body.key !== current.key && (await db.emailAccount.findUnique({ where: { key: body.key } }))) {
        throw AppError.conflict(`an account with key ${body.key} already exists`);
      }
      const account = await db.emailAccount.update({ where: { id: params.id }, data: accountColumns(body, secrets, current) as never });
      await watchers.sync(account, 'updated');
      return accountResponse(account);
    },
  );

  route(
    { method: 'delete', path: '/accounts/:id', summary: 'Delete an email account', tags, roles: ['admin'], params: idParams, status: 204 },
    async ({ params }) => {
      const account = await requireAccount(db, params.id);
      await watchers.sync(account, 'deleted');
      await db.emailAccount.delete({ where: { id: account.id } });
    },
  );

  route(
    {
      method: 'put',
      path: '/accounts/:id/agents',
      summary: 'Set the agents added to an account',
      tags,
      roles: ['admin'],
      params: idParams,
      body: idListSchema('agentIds'),
    },
    async ({ params, body }) => {
      await requireAccount(db, params.id);
      const agentIds = body.agentIds as number[];
      await db.$transaction([
        db.accountAgent.deleteMany({ where: { accountId: params.id } }),
        db.accountAgent.createMany({ data: agentIds.map((userId) => ({ accountId: params.id, userId })) }),
      ]);
      return { agentIds };
    },
  );

  route(
    {
      method: 'put',
      path: '/accounts/:id/queues',
      summary: 'Set the queues of an account',
      tags,
      roles: ['admin'],
      params: idParams,
      body: idListSchema('queueIds'),
    },
    async ({ params, body }) => {
      await requireAccount(db, params.id);
      const queueIds = body.queueIds as number[];
      await db.$transaction([
        db.accountQueue.deleteMany({ where: { accountId: params.id } }),
        db.accountQueue.createMany({ data: queueIds.map((queueId) => ({ accountId: params.id, queueId })) }),
      ]);
      return { queueIds };
    },
  );

  route(
    {
      method: 'post',
      path: '/accounts/:id/dispositions',
      summary: 'Add a disposition to an account',
      tags,
      roles: ['admin'],
      params: idParams,
      body: dispositionCreateSchema,
    },
    async ({ params, body }) => {
      await requireAccount(db, params.id);
      let level = 1;
      if (body.parentId !== null) {
        const parent = await db.disposition.findFirst({ where: { id: body.parentId, accountId: params.id } });
        if (!parent)
          throw AppError.badRequest('parentId is not a disposition of this account', [
            { field: 'parentId', reason: 'not a disposition of this account' },
          ]);
        if (parent.level >= 3)
          throw AppError.badRequest('dispositions have at most three levels', [
            { field: 'parentId', reason: 'parent is already on the third level' },
          ]);
        level = parent.level + 1;
      }
      return db.disposition.create({ data: { accountId: params.id, name: body.name, parentId: body.parentId, level } });
    },
  );

  route(
    {
      method: 'put',
      path: '/accounts/:id/action-plan',
      summary: 'Publish a new version of the account action plan',
      tags,
      roles: ['admin'],
      params: idParams,
      body: actionPlanSchema,
      status: 201,
    },
    async ({ params, body }) => {
      await requireAccount(db, params.id);
      const problems = validateActionPlan(body.steps);
      if (problems.length > 0) {
        throw AppError.badRequest(
          `invalid action plan: ${problems.map((problem) => problem.message).join('; ')}`,
          problems.map((problem) => ({ field: problem.path, reason: problem.message })),
        );
      }
      const latest = await db.actionPlanVersion.findFirst({ where: { accountId: params.id }, orderBy: { version: 'desc' } });
      const plan = await db.actionPlanVersion.create({
        data: { accountId: params.id, version: (latest?.version ?? 0) + 1, steps: body.steps as object },
      });
      return { version: plan.version, steps: plan.steps };
    },
  );
}
