/**
 * A person's decision about an email whose delivery is unknown (resend, mark sent, discard), handed to the email's
 * settling workflow (started if it is not running: an email that became uncertain before settling existed, or whose
 * run ended). The answer is the outcome, or where the email stands after a bounded wait (a resend may still be sending).
 */
import { WorkflowIdConflictPolicy, WorkflowUpdateFailedError, WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { decideUncertainSendUpdate, settleUncertainSendWorkflowId, type UncertainSendDecision } from '../contracts/settle-uncertain-send';
import { ConflictError, failureReason, ForbiddenError, NotFoundError } from '../domain/errors';
import type { Actor } from '../domain/people';
import type { Store } from '../store';
import { settleUncertainSend } from '../workflows/settle-uncertain-send';
import { answerWithin } from './workflow-answer';

/** Where an uncertain email stands once decided, and the email it was resent as. */
export interface UncertainSendState {
  outboundId: number;
  resolution: string | null;
  resentAs: { outboundId: number; status: string; error: string | null } | null;
}

export function createUncertainSends(deps: { store: Pick<Store, 'outbox'>; temporal: Client; taskQueue: string; waitMs?: number }) {
  const { store, temporal, taskQueue } = deps;

  async function stateOf(outboundId: number): Promise<UncertainSendState> {
    const row = await store.outbox.find(outboundId);
    if (!row) throw new NotFoundError(`outbound email ${outboundId}`);
    const resent = row.resentAsId === null ? null : await store.outbox.find(row.resentAsId);
    return {
      outboundId,
      resolution: row.resolution,
      resentAs: resent ? { outboundId: resent.id, status: resent.status, error: resent.error } : null,
    };
  }

  return {
    async decide(input: {
      interaction: { id: number; agentId: number | null };
      outboundId: number;
      decision: UncertainSendDecision;
      actor: Pick<Actor, 'id' | 'role'>;
    }): Promise<UncertainSendState> {
      const { interaction, outboundId, decision, actor } = input;
      const row = await store.outbox.find(outboundId);
      if (!row || row.interactionId !== interaction.id)
        throw new NotFoundError(`uncertain email ${outboundId} of interaction ${interaction.id}`);
      if (actor.role === 'agent' && interaction.agentId !== actor.id && row.authorId !== actor.id)
        throw new ForbiddenError('only the agent who holds the interaction (or wrote the email) or a supervisor settles it');
      if (row.resolution !== null) throw new ConflictError(`outbound email ${outboundId} was settled already (${row.resolution})`);
      if (row.status !== 'uncertain') throw new ConflictError(`outbound email ${outboundId} is ${row.status}, not uncertain`);

      const startWorkflowOperation = new WithStartWorkflowOperation(settleUncertainSend, {
        workflowId: settleUncertainSendWorkflowId(outboundId),
        taskQueue,
        args: [{ outboundId, interactionId: interaction.id }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        staticSummary: `Outbound email ${outboundId} of interaction ${interaction.id}: delivery unknown, settled by a person`,
      });
      try {
        const update = await temporal.workflow.startUpdateWithStart(decideUncertainSendUpdate, {
          args: [{ decision, actorId: actor.id }],
          waitForStage: 'ACCEPTED',
          startWorkflowOperation,
        });
        // Not done in time (a resend still sending): the answer says where the email stands.
        await answerWithin(temporal, deps.waitMs ?? 20_000, () => update.result());
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) throw new ConflictError(failureReason(error));
        throw error;
      }
      return stateOf(outboundId);
    },
  };
}
