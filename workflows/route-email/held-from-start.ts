/**
 * The run of an email an agent started (a new outbound interaction): the interaction is that agent's from the start,
 * so the run takes ownership (step 1), holds it for them, sends their first email and goes to step 5 — replies, transfers and the
 * close with its disposition, as for an accepted offer. The customer's answer threads to the interaction, joins this
 * run (messageAdded) and reaches the holder.
 */
import type { RouteEmailResult } from '../../contracts/route-email';
import { routing } from './activities';
import type { PlacedRun } from './placement';
import { sendAgentEmail } from './send';
import { untilClosed } from './until-closed';

export async function routeHeldFromStart(run: PlacedRun, agentId: number): Promise<RouteEmailResult> {
  // The interaction was written naming this run, so the claim is this run's own (a retried claim finds it again).
  const begun = await routing.beginRouting(run.ids());
  if (!begun.claimed) return run.end('closed', `interaction is routed by ${begun.ownerWorkflowId ?? 'nobody'}`);
  run.context = begun.start;
  run.hold(agentId);
  if (run.input.sendsFirstEmail) {
    try {
      await sendAgentEmail(run, routing, 'reply', agentId, undefined, () =>
        routing.createFirstEmail({ interactionId: run.input.interactionId }),
      );
    } catch {
      // Refused or uncertain: the email's row says so in the thread, and the agent holds the interaction to try again.
    }
  }
  return untilClosed(run);
}
