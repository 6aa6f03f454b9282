/** Runs that poll: offering to named agents at once, to a queue's agents by its strategy, or to one agent when free. */
import { condition, patched } from '@temporalio/workflow';
import type { OfferSource, RoutingContext } from '../../../domain/routing';
import { db } from '../activities';
import type { PollingRun } from './run';

/** While no agent is free, look again this often (an agentsAvailable signal wakes the workflow sooner). */
const AGENT_POLL_INTERVAL_MS = 2_000;
/**
 * Waiting in a queue: agents who become free wake the head of the line (agentsAvailable), so the poll is only a
 * safety net. It starts at 2 s and doubles up to 2 minutes while nobody is free, so parked interactions cost little.
 */
const QUEUE_WAIT_POLL_MAX_MS = 120_000;

/** The next safety-net poll of a queue wait: backing off, unless the histories predate it (then always 2 s). */
function nextQueuePoll(pollMs: number): number {
  return patched('queue-wait-backoff') ? Math.min(pollMs * 2, QUEUE_WAIT_POLL_MAX_MS) : AGENT_POLL_INTERVAL_MS;
}

/**
 * Offers the message to `agentIds` at once and waits until one accepts, all decline, or `seconds` pass.
 * Returns true when an agent accepted.
 */
export async function offer(
  run: PollingRun,
  agentIds: number[],
  seconds: number,
  source: OfferSource,
  queueId: number | null,
): Promise<boolean> {
  const { pending, status } = run;
  run.offerRound += 1;
  const offers = agentIds.map((agentId) => ({ reservation: `r${run.offerRound}-a${agentId}`, agentId }));
  for (const { reservation, agentId } of offers) pending.set(reservation, agentId);
  const reservations = offers.map(({ reservation }) => reservation);
  await db.createOffers({ ...run.ids(), offers, source, queueId, timeoutSeconds: seconds });
  await condition(() => status.holderAgentId !== null || reservations.every((reservation) => !pending.has(reservation)), seconds * 1000);
  const unanswered = reservations.filter((reservation) => pending.has(reservation));
  for (const reservation of unanswered) pending.delete(reservation);
  if (status.holderAgentId !== null) return true;
  if (unanswered.length > 0) {
    const timedOut = await db.settleOffers({ workflowId: run.workflowId, reservations: unanswered, state: 'timeout' });
    await db.recordRoutingEvent({
      ...run.ids(),
      type: 'offer-timeout',
      detail: { reservations: unanswered, agentIds: timedOut.agentIds },
    });
  }
  return false;
}

/** The assigned agent gets the message even while logged out or paused: it waits for them. */
export async function offerToAssignedAgent(run: PollingRun, ctx: RoutingContext): Promise<boolean> {
  if (ctx.assignedAgentId === null) return false;
  run.setState('offered-to-assigned-agent', { agentId: ctx.assignedAgentId });
  return offer(run, [ctx.assignedAgentId], ctx.waitForAssignedAgentSeconds, 'assigned-agent', null);
}

export async function offerToAssignedQueues(run: PollingRun, ctx: RoutingContext): Promise<boolean> {
  if (ctx.assignedAgentId === null || ctx.assignedAgentQueueIds.length === 0) return false;
  run.setState('offered-to-assigned-queue', { queueId: ctx.assignedAgentQueueIds[0] });
  return offerToQueues(run, ctx.assignedAgentQueueIds, ctx.waitForAssignedQueueSeconds, 'assigned-queue');
}

/** Offers to eligible agents of the queues, by each queue's strategy, until accepted or `seconds` pass. */
export async function offerToQueues(run: PollingRun, queueIds: number[], seconds: number, source: OfferSource): Promise<boolean> {
  const { interactionId } = run.input;
  const deadline = Date.now() + seconds * 1000;
  const declined = new Set<number>();
  let pollMs = AGENT_POLL_INTERVAL_MS;
  while (Date.now() < deadline) {
    const candidates = await db.pickQueueAgents({ queueIds, interactionId, excludeAgentIds: [...declined] });
    const remainingSeconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    if (candidates.agentIds.length === 0) {
      // Nobody free (or everyone eligible already let this offer go): wait, then start a new round.
      declined.clear();
      if (run.status.state !== 'waiting-for-agents') {
        run.setState('waiting-for-agents', { queueId: queueIds[0] ?? null });
        // Recorded so that an agent coming online can wake this workflow (agentsAvailableSignal).
        await db.setRoutingState({ interactionId, workflowId: run.workflowId, state: 'waiting-for-agents', queueId: queueIds[0] ?? null });
      }
      run.agentsMayBeAvailable = false;
      const woken = await condition(() => run.agentsMayBeAvailable, Math.min(pollMs, remainingSeconds * 1000));
      pollMs = woken ? AGENT_POLL_INTERVAL_MS : nextQueuePoll(pollMs);
      continue;
    }
    run.setState('offered', { queueId: candidates.queueId });
    const offerSeconds = Math.min(candidates.offerTimeoutSeconds, remainingSeconds);
    if (await offer(run, candidates.agentIds, offerSeconds, source, candidates.queueId)) return true;
    for (const agentId of candidates.agentIds) declined.add(agentId);
  }
  return false;
}

/** The plan's agent step: waits (up to `seconds`) for the agent to be online with room, then offers once. */
export async function offerToAgentWhenAvailable(run: PollingRun, agentId: number, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const remainingSeconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    if (await db.isAgentAvailable({ agentId, interactionId: run.input.interactionId })) {
      return offer(run, [agentId], remainingSeconds, 'agent-step', null);
    }
    run.agentsMayBeAvailable = false;
    await condition(() => run.agentsMayBeAvailable, Math.min(AGENT_POLL_INTERVAL_MS, remainingSeconds * 1000));
  }
  return false;
}
