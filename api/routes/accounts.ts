/** Email accounts and what hangs under them: agents, queues, dispositions, canned answers, action plan versions, Verify SMTP. */
import { AppError, checkIfMatch, childParams, etagOf, idParams, z } from '../http';
import type { RouterContext } from '../deps';
import {
  accountCreateSchema,
  accountSchema,
  accountUpdateSchema,
  actionPlanSchema,
  actionPlanVersionSchema,
  cannedAnswerSchema,
  dispositionCreateSchema,
  dispositionSchema,
  dispositionUpdateSchema,
  idListSchema,
  mailServices,
  queueSchema,
  userSchema,
  verifySmtpSchema,
} from '../schemas';
import {
  accountColumns,
  accountResponse,
  checkAccountReferences,
  checkPlanReferences,
  requireAccount,
  requireVisibleAccount,
  visibleAccounts,
} from '../services/accounts';
import { listQuery, listResponse, page, queryBoolean, queryText } from '../services/listing';
import { presentCannedAnswer, presentQueue, userFields } from '../services/presenters';
import { verifySmtp } from '../services/verify-smtp';
import { validateActionPlan } from '../../domain/action-plan';

const everyone = ['admin', 'supervisor', 'agent'] as const;
const staff = ['admin', 'supervisor'] as const;

export function registerAccountRoutes({ route, deps }: RouterContext): void {
  const { db, secrets, watchers, logger } = deps;
  const tags = ['Email accounts'];

  /** Configuration changes are logged and audited by field name; write-only values never leave as text. */
  async function audit(actorId: number, action: string, accountId: number, body: object) {
    const changes = withoutSecrets(body);
    logger.info({ accountId, actorId, action, changes }, `email account ${action}`);
    await db.auditLog.create({
      data: { actorId, action, entity: 'email-account', entityId: String(accountId), detail: { changes } as object },
    });
  }

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
    async ({ body, request, response, user }) => {
      if (await db.emailAccount.findUnique({ where: { key: body.key } })) {
        throw AppError.conflict(`an account with key ${body.key} already exists`);
      }
      await checkAccountReferences(db, body);
      const account = await db.emailAccount.create({
        data: accountColumns(body, secrets, undefined, new Set(Object.keys(request.body as object))) as never,
      });
      await audit(user.id, 'created', account.id, body);
      await watchers.sync(account, 'created');
      response.setHeader('ETag', etagOf(account.updatedAt));
      return accountResponse(account);
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
        service: z.enum(mailServices).optional(),
        q: queryText.optional().openapi({ description: 'name, key or email address contains (case-insensitive)' }),
      }),
      response: listResponse(accountSchema),
    },
    async ({ user, query }) => {
      const { active, service, q, ...list } = query;
      const where = {
        ...visibleAccounts(user),
        ...(active !== undefined ? { active } : {}),
        ...(service !== undefined ? { service } : {}),
        ...(q
          ? {
              OR: [
                { name: { contains: q, mode: 'insensitive' as const } },
                { key: { contains: q, mode: 'insensitive' as const } },
                { emailAddress: { contains: q, mode: 'insensitive' as const } },
              ],
            }
          : {}),
      };
      return page(list, (args) => db.emailAccount.findMany({ where, ...args }), accountResponse);
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
      const account = await requireVisibleAccount(db, params.id, user);
      response.setHeader('ETag', etagOf(account.updatedAt));
      return accountResponse(account);
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
      response: accountSchema,
    },
    async ({ params, body, request, response, user }) => {
      const current = await requireAccount(db, params.id);
      checkIfMatch(request, current.updatedAt, `email account ${params.id}`);
      if (body.key && body.key !== current.key && (await db.emailAccount.findUnique({ where: { key: body.key } }))) {
        throw AppError.conflict(`an account with key ${body.key} already exists`);
      }
      await checkAccountReferences(db, body);
      const updated = await db.emailAccount.updateMany({
        where: { id: params.id, updatedAt: current.updatedAt },
        data: accountColumns(body, secrets, current) as never,
      });
      if (updated.count === 0) throw AppError.preconditionFailed(`email account ${params.id} changed while you were saving it`);
      const account = await requireAccount(db, params.id);
      await audit(user.id, 'updated', account.id, body);
      await watchers.sync(account, 'updated');
      response.setHeader('ETag', etagOf(account.updatedAt));
      return accountResponse(account);
    },
  );

  route(
    { method: 'delete', path: '/accounts/:id', summary: 'Delete an email account', tags, roles: ['admin'], params: idParams, status: 204 },
    async ({ params, user }) => {
      const account = await requireAccount(db, params.id);
      await audit(user.id, 'deleted', account.id, {});
      await watchers.sync(account, 'deleted');
      await db.emailAccount.delete({ where: { id: account.id } });
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
    async ({ params }) => verifySmtp(await requireAccount(db, params.id), secrets),
  );

  // Account ↔ agents: agents not added to an account cannot see its interactions.
  route(
    {
      method: 'get',
      path: '/accounts/:id/agents',
      summary: 'The agents added to an account',
      tags,
      roles: [...staff],
      params: idParams,
      response: z.object({ items: z.array(userSchema) }),
    },
    async ({ params, user }) => {
      await requireVisibleAccount(db, params.id, user);
      const items = await db.user.findMany({
        where: { accountAgents: { some: { accountId: params.id } } },
        select: userFields,
        orderBy: { id: 'asc' },
      });
      return { items };
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
      status: 200,
      response: z.object({ agentIds: z.array(z.number().int()) }),
    },
    async ({ params, body }) => {
      await requireAccount(db, params.id);
      const agentIds = [...new Set(body.agentIds as number[])];
      if ((await db.user.count({ where: { id: { in: agentIds } } })) !== agentIds.length)
        throw AppError.badRequest('agentIds names unknown users', [{ field: 'agentIds', reason: 'unknown user id' }]);
      await db.$transaction([
        db.accountAgent.deleteMany({ where: { accountId: params.id } }),
        db.accountAgent.createMany({ data: agentIds.map((userId) => ({ accountId: params.id, userId })) }),
      ]);
      return { agentIds };
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/queues',
      summary: 'The queues of an account',
      tags,
      roles: [...staff],
      params: idParams,
      response: z.object({ items: z.array(queueSchema) }),
    },
    async ({ params, user }) => {
      await requireVisibleAccount(db, params.id, user);
      const queues = await db.queue.findMany({ where: { accounts: { some: { accountId: params.id } } }, orderBy: { id: 'asc' } });
      return { items: queues.map(presentQueue) };
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
      status: 200,
      response: z.object({ queueIds: z.array(z.number().int()) }),
    },
    async ({ params, body }) => {
      await requireAccount(db, params.id);
      const queueIds = [...new Set(body.queueIds as number[])];
      if ((await db.queue.count({ where: { id: { in: queueIds } } })) !== queueIds.length)
        throw AppError.badRequest('queueIds names unknown queues', [{ field: 'queueIds', reason: 'unknown queue id' }]);
      await db.$transaction([
        db.accountQueue.deleteMany({ where: { accountId: params.id } }),
        db.accountQueue.createMany({ data: queueIds.map((queueId) => ({ accountId: params.id, queueId })) }),
      ]);
      return { queueIds };
    },
  );

  // Dispositions: up to three levels per account.
  const dispositionTags = ['Dispositions'];
  route(
    {
      method: 'post',
      path: '/accounts/:id/dispositions',
      summary: 'Add a disposition to an account (parentId for the second and third level)',
      tags: dispositionTags,
      roles: ['admin'],
      params: idParams,
      body: dispositionCreateSchema,
      response: dispositionSchema,
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
      if (await db.disposition.findFirst({ where: { accountId: params.id, parentId: body.parentId, name: body.name } }))
        throw AppError.conflict(`a disposition named ${body.name} already exists at this place`);
      return db.disposition.create({ data: { accountId: params.id, name: body.name, parentId: body.parentId, level } });
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/dispositions',
      summary: 'List the dispositions of an account',
      tags: dispositionTags,
      roles: [...everyone],
      params: idParams,
      query: listQuery(['id', 'name', 'level'] as const, { level: z.enum(['1', '2', '3']).transform(Number).optional() }),
      response: listResponse(dispositionSchema),
    },
    async ({ params, query, user }) => {
      await requireVisibleAccount(db, params.id, user);
      const { level, ...list } = query;
      return page(list, (args) => db.disposition.findMany({ where: { accountId: params.id, ...(level ? { level } : {}) }, ...args }));
    },
  );

  async function requireDisposition(accountId: number, id: number) {
    const disposition = await db.disposition.findFirst({ where: { id, accountId } });
    if (!disposition) throw AppError.notFound(`disposition ${id} of account ${accountId}`);
    return disposition;
  }

  route(
    {
      method: 'get',
      path: '/accounts/:id/dispositions/:childId',
      summary: 'Read a disposition',
      tags: dispositionTags,
      roles: [...everyone],
      params: childParams,
      response: dispositionSchema,
    },
    async ({ params, user }) => {
      await requireVisibleAccount(db, params.id, user);
      return requireDisposition(params.id, params.childId);
    },
  );

  route(
    {
      method: 'patch',
      path: '/accounts/:id/dispositions/:childId',
      summary: 'Rename a disposition',
      tags: dispositionTags,
      roles: ['admin'],
      params: childParams,
      body: dispositionUpdateSchema,
      response: dispositionSchema,
    },
    async ({ params, body }) => {
      const disposition = await requireDisposition(params.id, params.childId);
      if (
        await db.disposition.findFirst({
          where: { accountId: params.id, parentId: disposition.parentId, name: body.name, id: { not: disposition.id } },
        })
      )
        throw AppError.conflict(`a disposition named ${body.name} already exists at this place`);
      return db.disposition.update({ where: { id: disposition.id }, data: { name: body.name } });
    },
  );

  route(
    {
      method: 'delete',
      path: '/accounts/:id/dispositions/:childId',
      summary: 'Delete a disposition (and its lower levels)',
      tags: dispositionTags,
      roles: ['admin'],
      params: childParams,
      status: 204,
    },
    async ({ params }) => {
      const disposition = await requireDisposition(params.id, params.childId);
      await db.disposition.delete({ where: { id: disposition.id } });
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/canned-answers',
      summary: "The canned answers offered on an account: the global ones and the account's own",
      tags: ['Canned answers'],
      roles: [...everyone],
      params: idParams,
      query: listQuery(['id', 'name', 'updatedAt'] as const, { q: queryText.optional() }),
      response: listResponse(cannedAnswerSchema),
    },
    async ({ params, query, user }) => {
      await requireVisibleAccount(db, params.id, user);
      const { q, ...list } = query;
      const where = {
        OR: [{ accountId: null }, { accountId: params.id }],
        ...(q ? { name: { contains: q, mode: 'insensitive' as const } } : {}),
      };
      return page(list, (args) => db.cannedAnswer.findMany({ where, ...args }), presentCannedAnswer);
    },
  );

  // Action plans: immutable versions; an interaction in flight finishes on the version it started with.
  const planTags = ['Action plans'];
  route(
    {
      method: 'put',
      path: '/accounts/:id/action-plan',
      summary: 'Publish a new version of the account action plan',
      tags: planTags,
      roles: ['admin'],
      params: idParams,
      body: actionPlanSchema,
      status: 201,
      response: actionPlanVersionSchema,
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
      await checkPlanReferences(db, params.id, body.steps);
      const latest = await db.actionPlanVersion.findFirst({ where: { accountId: params.id }, orderBy: { version: 'desc' } });
      const plan = await db.actionPlanVersion.create({
        data: { accountId: params.id, version: (latest?.version ?? 0) + 1, steps: body.steps as object },
      });
      return presentPlan(plan);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/action-plan',
      summary: 'The current (latest) version of the account action plan',
      tags: planTags,
      roles: [...staff],
      params: idParams,
      response: actionPlanVersionSchema,
    },
    async ({ params, user }) => {
      await requireVisibleAccount(db, params.id, user);
      const plan = await db.actionPlanVersion.findFirst({ where: { accountId: params.id }, orderBy: { version: 'desc' } });
      if (!plan) throw AppError.notFound(`action plan of account ${params.id}`);
      return presentPlan(plan);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/action-plan/versions',
      summary: 'List the versions of the account action plan',
      tags: planTags,
      roles: [...staff],
      params: idParams,
      query: listQuery(['version', 'createdAt'] as const),
      response: listResponse(actionPlanVersionSchema),
    },
    async ({ params, query, user }) => {
      await requireVisibleAccount(db, params.id, user);
      return page(query, (args) => db.actionPlanVersion.findMany({ where: { accountId: params.id }, ...args }), presentPlan);
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/action-plan/versions/:childId',
      summary: 'Read one version of the account action plan (childId: the version number)',
      tags: planTags,
      roles: [...staff],
      params: childParams,
      response: actionPlanVersionSchema,
    },
    async ({ params, user }) => {
      await requireVisibleAccount(db, params.id, user);
      const plan = await db.actionPlanVersion.findUnique({
        where: { accountId_version: { accountId: params.id, version: params.childId } },
      });
      if (!plan) throw AppError.notFound(`version ${params.childId} of the action plan of account ${params.id}`);
      return presentPlan(plan);
    },
  );
}

/** The change set with write-only values replaced by a marker (set or cleared). */
function withoutSecrets(body: object): Record<string, unknown> {
  const changes: Record<string, unknown> = { ...body };
  for (const field of ['imapPassword', 'smtpPassword']) if (field in changes) changes[field] = changes[field] ? '[set]' : '[cleared]';
  const oauth2 = changes.oauth2 as Record<string, unknown> | null | undefined;
  if (oauth2) {
    const { clientSecret, refreshToken, ...rest } = oauth2;
    changes.oauth2 = { ...rest, ...(clientSecret ? { clientSecret: '[set]' } : {}), ...(refreshToken ? { refreshToken: '[set]' } : {}) };
  }
  return changes;
}

function presentPlan(plan: { version: number; steps: unknown; createdAt: Date }) {
  return { version: plan.version, steps: plan.steps as unknown[], createdAt: plan.createdAt.toISOString() };
}
