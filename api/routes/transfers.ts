/** Transfers of interactions (issue 5): the holding agent hands an interaction to an agent, a queue or another account. */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TransferTarget } from '../../lib/domain';
import { transferUpdate } from '../../workflows/messages';
import type { RouterContext } from '../deps';
import { AppError, idParams, z } from '../http';

const id = z.number().int().positive();

export const transferSchema = z
  .object({
    agentId: id.optional().openapi({ description: 'transfer to this agent (an agent of the account)' }),
    queueId: id.optional().openapi({ description: 'transfer to this queue (a queue of the account)' }),
    accountId: id.optional().openapi({ description: 'transfer to another account' }),
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
  .openapi('Transfer');

export function registerTransferRoutes({ route, deps }: RouterContext): void {
  const { db, temporal } = deps;

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
      response: z.object({ state: z.literal('transferring') }),
    },
    async ({ params, body, user }) => {
      const interaction = await db.interaction.findUnique({ where: { id: params.id } });
      const visible =
        interaction &&
        (user.role === 'admin' ||
          (await db.accountAgent.findUnique({ where: { accountId_userId: { accountId: interaction.accountId, userId: user.id } } })));
      if (!interaction || !visible) throw AppError.notFound(`interaction ${params.id}`);
      if (!interaction.routingWorkflowId) throw AppError.conflict('nobody holds this interaction');

      let target: TransferTarget;
      if (body.agentId !== undefined) {
        const member = await db.accountAgent.findUnique({
          where: { accountId_userId: { accountId: interaction.accountId, userId: body.agentId } },
        });
        if (!member)
          throw AppError.badRequest('agentId is not an agent of this account', [
            { field: 'agentId', reason: 'not an agent of this account' },
          ]);
        target = { kind: 'agent', agentId: body.agentId };
      } else if (body.queueId !== undefined) {
        const link = await db.accountQueue.findUnique({
          where: { accountId_queueId: { accountId: interaction.accountId, queueId: body.queueId } },
        });
        if (!link)
          throw AppError.badRequest('queueId is not a queue of this account', [
            { field: 'queueId', reason: 'not a queue of this account' },
          ]);
        target = { kind: 'queue', queueId: body.queueId };
      } else {
        const account = await db.emailAccount.findUnique({ where: { id: body.accountId! } });
        if (!account || account.id === interaction.accountId) {
          throw AppError.badRequest('accountId is not another account', [
            { field: 'accountId', reason: 'unknown account or the same account' },
          ]);
        }
        target = { kind: 'account', accountId: account.id };
      }

      try {
        return await temporal.workflow
          .getHandle(interaction.routingWorkflowId)
          .executeUpdate(transferUpdate, { args: [{ actorId: user.id, asSupervisor: user.role !== 'agent', target }] });
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) throw AppError.conflict(error.cause?.message ?? error.message);
        if (error instanceof WorkflowNotFoundError) throw AppError.conflict('the routing of this interaction has ended');
        throw error;
      }
    },
  );
}
