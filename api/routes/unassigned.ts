/**
 * Interactions routing could not place wait unassigned, never stranded: agents of the account see them in a list
 * and pick one up; supervisors send one to a queue (or, through reassign, to an agent). Their run answers; an
 * interaction an older routing left without a run is given one first.
 */
import { pickUpUpdate, routeUnassignedUpdate, routingStatusQuery, type UnassignedTarget } from '../../contracts/route-email';
import { isUnassigned } from '../../domain/routing';
import { resumeUnassigned } from '../../services/start-routing';
import { cursorSchema, offsetCursor } from '../cursor';
import type { RouterContext } from '../deps';
import { presentSearchItem } from '../desk-presenters';
import { DEFAULT_PAGE, MAX_PAGE } from '../listing';
import { AppError, dbId, idParams, z } from '../http';
import { interactionSearchAnswerSchema } from '../schemas/desk-answers';
import { asConflict } from '../workflow-answers';

/** How long a request waits for a run given back to an interaction to start waiting unassigned. */
const RESUME_WAIT_MS = 5000;

const unassignedQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
    cursor: cursorSchema.optional(),
    accountId: z.coerce.number().int().positive().max(2147483647).optional().openapi({ description: 'only this account' }),
  })
  .strict();

export function registerUnassignedRoutes({ route, deps, store, visibility }: RouterContext): void {
  const { temporal } = deps;
  const runs = unassignedRuns({ store, deps });

  route(
    {
      method: 'get',
      path: '/interactions/unassigned',
      summary: 'Interactions routing found nobody for, in the accounts you work: longest waiting first, to pick up',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      query: unassignedQuery,
      errors: [404],
      response: interactionSearchAnswerSchema,
    },
    async ({ query, user }) => {
      const visible = await visibility.accountIds(user);
      const accountIds = query.accountId === undefined ? visible : visible.filter((id) => id === query.accountId);
      if (query.accountId !== undefined && accountIds.length === 0) throw AppError.notFound(`email account ${query.accountId}`);
      const offset = offsetCursor.decode(query.cursor);
      const rows = await store.unassigned.page({ accountIds, skip: offset, take: query.limit + 1 });
      const items = rows.slice(0, query.limit);
      const nextCursor = rows.length > query.limit ? offsetCursor.encode(offset + query.limit) : null;
      return { items: items.map(presentSearchItem), nextCursor };
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/:id/pick-up',
      summary: 'Take an unassigned interaction: you hold it at once (one pick-up wins; the others get 409)',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      status: 200,
      errors: [409, 503],
      response: z.object({ state: z.literal('accepted') }),
    },
    async ({ params, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      if (user.role === 'agent' && !(await store.transfers.isAccountAgent(interaction.accountId, user.id)))
        throw AppError.conflict('only agents of this account can pick it up');
      const workflowId = await runs.waitingRun(interaction);
      return asConflict(() => temporal.workflow.getHandle(workflowId).executeUpdate(pickUpUpdate, { args: [{ agentId: user.id }] }));
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/:id/requeue',
      summary: 'Supervisor: send an unassigned interaction to a queue of its account (it waits unassigned again if nobody takes it)',
      tags: ['Supervisor'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      body: z.object({ queueId: dbId.meta({ description: 'a queue of the interaction’s account' }) }).strict(),
      status: 200,
      errors: [409, 503],
      response: z.object({ state: z.literal('routing') }),
    },
    async ({ params, body, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      if (!(await store.transfers.isAccountQueue(interaction.accountId, body.queueId)))
        throw AppError.badRequest('queueId is not a queue of this account', [{ field: 'queueId', reason: 'not a queue of this account' }]);
      return runs.send(interaction, user.id, { kind: 'queue', queueId: body.queueId });
    },
  );
}

type UnassignedInteraction = { id: number; routingState: string; routingWorkflowId: string | null };

/** The runs unassigned interactions wait in (the reassign route sends one to an agent through them too). */
export function unassignedRuns({ store, deps }: Pick<RouterContext, 'store' | 'deps'>) {
  const { temporal } = deps;
  return {
    /**
     * The run an unassigned interaction waits in. One an older routing left without a run is given one, and the
     * request waits (briefly) until that run has started waiting.
     */
    async waitingRun(interaction: UnassignedInteraction): Promise<string> {
      if (!isUnassigned(interaction.routingState)) throw AppError.conflict(`interaction ${interaction.id} is not waiting unassigned`);
      if (interaction.routingWorkflowId !== null) return interaction.routingWorkflowId;
      const left = await store.unassigned.strandedOne(interaction.id);
      if (!left) throw AppError.conflict(`interaction ${interaction.id} has no customer message to route`);
      const workflowId = await resumeUnassigned({ store, temporal, taskQueue: deps.watchers.taskQueue }, left);
      const handle = temporal.workflow.getHandle(workflowId);
      const deadline = Date.now() + RESUME_WAIT_MS;
      while (Date.now() < deadline) {
        // Bounded: a query waits for a worker, and none may be running.
        const status = await temporal.withDeadline(Date.now() + 1000, () => handle.query(routingStatusQuery)).catch(() => undefined);
        if (status?.state === 'unassigned') return workflowId;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw AppError.conflict(`interaction ${interaction.id} is being given back its routing: try again in a moment`);
    },

    /** Sends the unassigned interaction to an agent or a queue; if nobody takes it, it waits unassigned again. */
    async send(interaction: UnassignedInteraction, actorId: number, target: UnassignedTarget) {
      const workflowId = await this.waitingRun(interaction);
      return asConflict(() =>
        temporal.workflow.getHandle(workflowId).executeUpdate(routeUnassignedUpdate, { args: [{ actorId, target }] }),
      );
    },
  };
}
