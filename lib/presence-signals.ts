/**
 * Presence changes reach the routing workflows that care: an agent who became unavailable (paused, offline,
 * paused "not responding") has their pending offers taken back at once; when one becomes available, workflows
 * waiting for agents look again. Used by the API (the agent's own presence) and by routing (not responding).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Database } from './db';
import { agentsAvailableSignal, agentUnavailableSignal } from '../workflows/messages';

/** How many waiting workflows one agent's return wakes at most (the others find the agent on their next round). */
const MAX_WOKEN_WORKFLOWS = 500;

export async function signalPresenceChange(
  deps: { db: Pick<Database, 'interaction' | 'offer'>; temporal: Client },
  agentId: number,
  available: boolean,
): Promise<void> {
  const { db, temporal } = deps;
  const workflowIds = available
    ? (
        await db.interaction.findMany({
          where: { routingState: 'waiting-for-agents', routingWorkflowId: { not: null } },
          select: { routingWorkflowId: true },
          take: MAX_WOKEN_WORKFLOWS,
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
