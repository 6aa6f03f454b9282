/**
 * An interaction deleted while its routing runs: the API cancels the run. Whatever the run was waiting on, the
 * holder it paused for a missing disposition gets their presence back, and the run ends as cancelled (the Web UI
 * shows it so). Offers and waits went with the interaction's rows.
 */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { db } from './activities';
import type { RoutingRun } from './run';

export async function untilDeleted<T>(run: RoutingRun, story: () => Promise<T>): Promise<T> {
  try {
    return await story();
  } catch (error) {
    const paused = run.pausedAgent;
    if (isCancellation(error) && paused !== null) {
      run.pausedAgent = null;
      await CancellationScope.nonCancellable(() => db.restoreAgentPresence({ agentId: paused.agentId, previous: paused.previous }));
    }
    throw error;
  }
}
