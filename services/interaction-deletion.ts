/**
 * Deleting interactions permanently: the rows go (audited), then each routing workflow that owned one is cancelled,
 * so it ends at once instead of acting on rows that are gone (a holder it paused for a disposition gets their
 * presence back: workflows/route-email/deletion.ts), and the agents the interactions kept busy are offered the next
 * in line. Temporal being unreachable does not undo a deletion: such a run meets the missing rows as NotFound and ends.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../platform/logger';
import type { Store } from '../store';
import type { Presence } from './presence';

export function createInteractionDeletion(deps: {
  store: Pick<Store, 'interactions'>;
  temporal: Client;
  presence: Pick<Presence, 'agentsFreed'>;
  logger: Logger;
}) {
  const { store, temporal, presence, logger } = deps;
  return async function deleteInteractions(ids: number[], actorId: number): Promise<void> {
    const routing = await store.interactions.routingOf(ids);
    await store.interactions.deletePermanently(ids, actorId);
    const workflowIds = [...new Set(routing.flatMap((entry) => (entry.routingWorkflowId ? [entry.routingWorkflowId] : [])))];
    await Promise.all(
      workflowIds.map(async (workflowId) => {
        try {
          await temporal.workflow.getHandle(workflowId).cancel();
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError))
            logger.warn({ workflowId, error: String(error) }, 'routing of a deleted interaction not cancelled');
        }
      }),
    );
    await presence.agentsFreed([...new Set(routing.flatMap((entry) => entry.agentIds))]);
  };
}
