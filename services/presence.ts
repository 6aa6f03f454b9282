/**
 * Presence changes reach routing. An agent who became unavailable (paused, offline, paused "not responding") has
 * their pending offers taken back at once; agents who have room again (online, done with an offer or an
 * interaction) get the heads of their queues' lines. Both ways of routing are served: the database takes back and
 * places offers for runs it places (their workflows hear by signal), and runs that poll are signalled to look.
 * Used by the API (an agent's own presence, an admin's change) and by routing (not responding, closing).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Store } from '../store';
import { agentsAvailableSignal, agentUnavailableSignal } from '../contracts/route-email';
import type { Dispatcher } from './dispatch';
import { platformMetrics } from '../platform/metrics';

/** Beyond an agent's capacity, this many more polling runs are woken (some find the agent taken). */
const EXTRA_WOKEN = 3;

export interface PresenceDeps {
  store: Pick<Store, 'agents' | 'offerAnswers'>;
  temporal: Client;
  dispatcher: Dispatcher;
}

export function createPresence({ store, temporal, dispatcher }: PresenceDeps) {
  async function signalEach(workflowIds: string[], send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>) {
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

  async function agentsFreed(agentIds: number[]): Promise<void> {
    if (agentIds.length === 0) return;
    await dispatcher.agentsFreed(agentIds);
    const polling = await store.agents.waitingWorkflowIds(agentIds, EXTRA_WOKEN);
    await signalEach(polling, (handle) => handle.signal(agentsAvailableSignal));
  }

  async function agentUnavailable(agentId: number): Promise<void> {
    const withdrawn = await store.offerAnswers.withdrawAgent(agentId);
    platformMetrics.offersEnded('canceled', withdrawn.length);
    await dispatcher.withdrawn(withdrawn, 'the agent is no longer available');
    const polling = await store.agents.pendingOfferWorkflowIds(agentId);
    await signalEach(polling, (handle) => handle.signal(agentUnavailableSignal, { agentId }));
  }

  return {
    agentsFreed,
    agentUnavailable,
    /** An agent's presence changed: online makes room, paused or offline takes their offers back. */
    changed: (agentId: number, available: boolean) => (available ? agentsFreed([agentId]) : agentUnavailable(agentId)),
  };
}

export type Presence = ReturnType<typeof createPresence>;
