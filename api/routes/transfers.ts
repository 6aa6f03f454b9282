/**
 * Transfers: the holder hands an interaction to an agent, a queue or another account, as the account's transfer
 * settings allow; a supervisor reassigns it to another agent of the account whatever those settings say.
 */
import { isUnassigned, type TransferTarget } from '../../domain/routing';
import { createRoutingEvents } from '../../services/routing-events';
import { transferUpdate, type TransferRequest } from '../../contracts/route-email';
import type { RouterContext } from '../deps';
import { askHoldingRun } from '../workflow-answers';
import { AppError, dbId, idParams, z } from '../http';
import { reassignSchema } from '../schemas/agent-actions';
import { unassignedRuns } from './unassigned';

const id = dbId;

export const transferSchema = z
  .object({
    agentId: id.optional().openapi({ description: 'transfer to this agent (an agent of the account)' }),
    queueId: id.optional().openapi({ description: 'transfer to this queue (a queue of the account)' }),
    accountId: id.optional().openapi({ description: 'transfer to another account' }),
    note: z
      .string()
      .trim()
      .max(10_000)
      .optional()
      .openapi({ description: 'a handover note for whoever takes it: kept on the interaction as an internal note' }),
  })
  .strict()
  .superRefine((body, context) => {
    const given = (['agentId', 'queueId', 'accountId'] as const).filter((field) => body[field] !== undefined);
    if (given.length !== 1) {
      context.addIssue({
        code: 'custom',
        path: given[1] ? [given[1]] : ['agentId'],
        message: 'give exactly one of agentId, queueId, accountId',
      });
    }
  })
  // The document states the refinement: exactly one target, with or without a note.
  .openapi('Transfer', {
    maxProperties: 2,
    oneOf: [{ required: ['agentId'] }, { required: ['queueId'] }, { required: ['accountId'] }] as never,
  });

const transferTargetsSchema = z
  .object({
    enabled: z.boolean(),
    agents: z.array(
      z.object({
        id: z.number(),
        name: z.string(),
        presence: z.enum(['online', 'paused', 'offline']),
        pauseReason: z.string().nullable().openapi({ description: 'of a paused agent: the pause status' }),
        available: z.boolean().openapi({ description: 'whether the agent can take a transfer now (online)' }),
      }),
    ),
    queues: z.array(z.object({ id: z.number(), name: z.string() })),
    accounts: z.array(z.object({ id: z.number(), key: z.string(), name: z.string() })),
  })
  .openapi('TransferTargets');

export function registerTransferRoutes({ route, deps, store, visibility }: RouterContext): void {
  const { temporal } = deps;
  const unassigned = unassignedRuns({ store, deps });
  const routingEvents = createRoutingEvents({ store: store.routingEvents, events: deps.liveEvents });

  route(
    {
      method: 'post',
      path: '/interactions/:id/transfer',
      summary: 'Transfer a held interaction to an agent, a queue or another account (returns unread to you if nobody accepts in time)',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: transferSchema,
      status: 200,
      errors: [409, 503],
      response: z.object({ state: z.literal('transferring') }),
    },
    async ({ params, body, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      if (!interaction.routingWorkflowId) throw AppError.conflict('nobody holds this interaction');

      let target: TransferTarget;
      if (body.agentId !== undefined) {
        await requireAccountAgent(interaction.accountId, body.agentId);
        const presence = await store.transfers.presence(body.agentId);
        if (presence !== 'online')
          throw AppError.conflict(`agent ${body.agentId} is ${presence ?? 'unknown'} and cannot take a transfer now`);
        target = { kind: 'agent', agentId: body.agentId };
      } else if (body.queueId !== undefined) {
        if (!(await store.transfers.isAccountQueue(interaction.accountId, body.queueId)))
          throw AppError.badRequest('queueId is not a queue of this account', [
            { field: 'queueId', reason: 'not a queue of this account' },
          ]);
        target = { kind: 'queue', queueId: body.queueId };
      } else {
        // Which other accounts exist is told only where this account transfers to them (transfer-targets lists them).
        const own = await store.accounts.find(interaction.accountId);
        if (!own?.transferEnabled || !own.transferToAccount)
          throw AppError.conflict(`account ${own?.key ?? interaction.accountId} does not allow transfers to an account`);
        const account = await store.transfers.account(body.accountId!);
        if (!account || account.id === interaction.accountId) {
          throw AppError.badRequest('accountId is not another account', [
            { field: 'accountId', reason: 'unknown account or the same account' },
          ]);
        }
        target = { kind: 'account', accountId: account.id };
      }

      const answer = await askWorkflow(interaction.routingWorkflowId, user, interaction, {
        actorId: user.id,
        asSupervisor: user.role !== 'agent',
        target,
      });
      // Once the transfer is under way (a refused one leaves no note): whoever takes it reads the note in the thread.
      if (body.note) await addHandoverNote(interaction.id, user, body.note);
      return answer;
    },
  );

  route(
    {
      method: 'get',
      path: '/interactions/:id/transfer-targets',
      summary: "Where the interaction may be transferred, by the account's transfer settings: its agents, its queues, other accounts",
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      response: transferTargetsSchema,
    },
    async ({ params, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      return store.transfers.targets(interaction.accountId, user.id);
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/:id/reassign',
      summary:
        "Supervisor: hand a held or unassigned interaction to another agent of the account (whatever the account's transfer settings); if they do not accept within the transfer timeout it returns to the holder, or waits unassigned again",
      tags: ['Supervisor'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      body: reassignSchema,
      status: 200,
      errors: [409, 503],
      response: z.object({
        state: z.enum(['transferring', 'routing']).openapi({ description: 'routing: it was unassigned, and is offered to the agent' }),
      }),
    },
    async ({ params, body, user }) => {
      const interaction = await visibility.requireInteraction(params.id, user);
      await requireAccountAgent(interaction.accountId, body.agentId);
      // Nobody holds an unassigned interaction: it is offered to the agent, and waits unassigned again if declined.
      if (isUnassigned(interaction.routingState)) {
        return unassigned.send(interaction, user.id, { kind: 'agent', agentId: body.agentId });
      }
      if (!interaction.routingWorkflowId) throw AppError.conflict('nobody holds this interaction');
      return askWorkflow(interaction.routingWorkflowId, user, interaction, {
        actorId: user.id,
        asSupervisor: true,
        reassign: true,
        target: { kind: 'agent', agentId: body.agentId },
      });
    },
  );

  async function addHandoverNote(interactionId: number, author: { id: number; name: string }, text: string): Promise<void> {
    const note = await store.threads.addNote({ interactionId, authorId: author.id, text });
    await routingEvents.record({
      interactionId,
      messageId: note.id,
      type: 'note-added',
      detail: { authorId: author.id, authorName: author.name, noteId: note.id, handover: true },
    });
  }

  async function requireAccountAgent(accountId: number, agentId: number): Promise<void> {
    if (!(await store.transfers.isAccountAgent(accountId, agentId)))
      throw AppError.badRequest('agentId is not an agent of this account', [{ field: 'agentId', reason: 'not an agent of this account' }]);
  }

  function askWorkflow(
    workflowId: string,
    caller: { id: number; role: string },
    interaction: { agentId: number | null; routingState: string },
    request: TransferRequest,
  ) {
    return askHoldingRun(temporal, workflowId, caller, interaction, (run) => run.executeUpdate(transferUpdate, { args: [request] }));
  }
}
