/**
 * Presence changes reach the routing workflows that care: an agent who became unavailable (paused, offline,
 * paused "not responding") has their pending offers taken back at once; when one becomes available, workflows
 * waiting for agents look again. Used by the API (the agent's own presence) and by routing (not responding).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Store } from '../store';
import { agentsAvailableSignal, agentUnavailableSignal } from '../contracts/route-email';

/** Beyond an agent's capacity, this many more waiting interactions are woken (some find the agent taken). */
const EXTRA_WOKEN = 3;

type SignalDeps = { store: Pick<Store, 'agents'>; temporal: Client };

export async function signalPresenceChange(deps: SignalDeps, agentId: number, available: boolean): Promise<void> {
  if (available) return wakeWaitingInteractions(deps, [agentId]);
  const workflowIds = await deps.store.agents.pendingOfferWorkflowIds(agentId);
  await signalEach(deps.temporal, workflowIds, (handle) => handle.signal(agentUnavailableSignal, { agentId }));
}

/**
 * Agents who are free again (online, or done with an interaction or an offer) wake the head of the line: the
 * interactions waiting in their queues, by priority then waiting time, as many as they can take and a few more.
 * Waiting workflows otherwise only look again on a slow, backing-off poll, so ten thousand parked interactions
 * cost almost nothing.
 */
export async function wakeWaitingInteractions(deps: SignalDeps, agentIds: number[]): Promise<void> {
  if (agentIds.length === 0) return;
  const workflowIds = await deps.store.agents.waitingWorkflowIds(agentIds, EXTRA_WOKEN);
  await signalEach(deps.temporal, workflowIds, (handle) => handle.signal(agentsAvailableSignal));
}

async function signalEach(
  temporal: Client,
  workflowIds: string[],
  send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>,
): Promise<void> {
  await Promise.all(
    workflowIds.map(async (workflowId) => {
      try {
        await send(temporal.workflow.getHandle(workflowId));
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }),
  );
}
