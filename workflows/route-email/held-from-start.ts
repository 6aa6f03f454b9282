/**
 * The run of an email an agent started (a new outbound interaction): the interaction is that agent's from the start,
 * so the run takes ownership (step 1), holds it for them and goes straight to step 5 — replies, transfers and the
 * close with its disposition, as for an accepted offer. The customer's answer threads to the interaction, joins this
 * run (messageAdded) and reaches the holder.
 */
import { condition } from '@temporalio/workflow';
import type { RouteEmailResult } from '../../contracts/route-email';
import { routing } from './activities';
import { place, type PlacedRun } from './placement';
import { transfer } from './transfer';

export async function routeHeldFromStart(run: PlacedRun, agentId: number): Promise<RouteEmailResult> {
  // The interaction was written naming this run, so the claim is this run's own (a retried claim finds it again).
  const begun = await routing.beginRouting(run.ids());
  if (!begun.claimed) return run.end('closed', `interaction is routed by ${begun.ownerWorkflowId ?? 'nobody'}`);
  run.context = begun.start;
  run.hold(agentId);

  while (!run.closed) {
    await condition(() => run.closed || run.transferRequest !== null);
    if (run.transferRequest !== null) {
      const request = run.transferRequest;
      run.transferRequest = null;
      await transfer(run, routing, request, {
        toAgent: (target, seconds) => place(run, { kind: 'agent', agentId: target, always: true }, seconds, 'transfer'),
        toQueues: (queueIds, seconds) => place(run, { kind: 'queues', queueIds }, seconds, 'transfer'),
      });
    }
  }
  return run.end('closed', 'closed by agent');
}
