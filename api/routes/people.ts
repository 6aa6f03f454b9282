/** Users (agents, supervisors, admins), presence, login, and queues. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { agentsAvailableSignal, agentUnavailableSignal } from '../../workflows/messages';
import { hashPassword, issueToken, verifyPassword } from '../auth';
import type { RouterContext } from '../deps';
import { AppError, idParams, z } from '../http';
import { loginSchema, presenceSchema, queueCreateSchema, queueMembersSchema, userCreateSchema, userSchema } from '../schemas';

const userFields = { id: true, name: true, email: true, role: true, presence: true, pauseStatusId: true, capacity: true } as const;

export function registerPeopleRoutes({ route, deps }: RouterContext): void {
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
      response: z.array(userSchema),
    },
    async () => db.user.findMany({ select: userFields, orderBy: { id: 'asc' } }),
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
      if (
        body.presence === 'paused' &&
        body.pauseStatusId !== undefined &&
        !(await db.pauseStatus.findUnique({ where: { id: body.pauseStatusId } }))
      ) {
        throw AppError.badRequest('pauseStatusId is not a pause status', [{ field: 'pauseStatusId', reason: 'unknown pause status' }]);
      }
      const updated = await db.user.update({
        where: { id: user.id },
        data: { presence: body.presence, pauseStatusId: body.presence === 'paused' ? (body.pauseStatusId ?? null) : null },
        select: userFields,
      });
      await notifyRouting(user.id, body.presence === 'online');
      return updated;
    },
  );

  /** Presence changes reach the workflows that care: offers of an unavailable agent are taken back; waiting ones look again. */
  async function notifyRouting(agentId: number, available: boolean) {
    const workflowIds = available
      ? (
          await db.interaction.findMany({
            where: { routingState: 'waiting-for-agents', routingWorkflowId: { not: null } },
            select: { routingWorkflowId: true },
            take: 500,
          })
        ).map((row) => row.routingWorkflowId!)
      : [
          ...new Set(
            (await db.offer.findMany({ where: { userId: agentId, state: 'pending' }, select: { workflowId: true } })).map(
              (offer) => offer.workflowId,
            ),
          ),
        ];
    await Promise.all(
      workflowIds.map(async (workflowId) => {
        try {
          const handle = temporal.workflow.getHandle(workflowId);
          await (available ? handle.signal(agentsAvailableSignal) : handle.signal(agentUnavailableSignal, { agentId }));
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }),
    );
  }

  route(
    { method: 'post', path: '/queues', summary: 'Create a queue', tags: ['Queues'], roles: ['admin'], body: queueCreateSchema },
    async ({ body }) => {
      if (await db.queue.findUnique({ where: { name: body.name } })) throw AppError.conflict(`a queue named ${body.name} already exists`);
      return db.queue.create({ data: body });
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
    },
    async ({ params, body }) => {
      if (!(await db.queue.findUnique({ where: { id: params.id } }))) throw AppError.notFound(`queue ${params.id}`);
      const agentIds = body.members.map((member) => member.agentId);
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
