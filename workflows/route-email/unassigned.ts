/**
 * Nothing strands. An interaction the routing could not place waits, visibly, as unassigned, and its run stays so
 * that replies, transfers and closing keep working once someone holds it: an agent of the account picks it up, a
 * supervisor sends it to a queue or an agent, or the customer writes again and routing runs again.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { pickUpUpdate, routeUnassignedUpdate, type UnassignedTarget } from '../../contracts/route-email';
import { routing } from './activities';
import type { PlacedRun } from './placement';

/** A supervisor's request the waiting loop carries out. */
export interface SupervisorRequest {
  /** Null when a service level's escalation asked. */
  actorId: number | null;
  target: UnassignedTarget;
}

/** How the run looks for an agent again: for a supervisor's target, or the whole story again for a new message. */
export interface RouteAgain {
  toQueue(queueId: number): Promise<boolean>;
  toAgent(agentId: number): Promise<boolean>;
  forMessage(messageId: number): Promise<{ accepted: boolean; reason: string }>;
}

export function installUnassignedUpdates(run: PlacedRun): void {
  const waitsUnassigned = () => {
    if (run.status.state !== 'unassigned' || run.pickingUp || run.supervisorRequest !== null) {
      throw new Error(`interaction ${run.input.interactionId} is not waiting unassigned (routing state: ${run.status.state})`);
    }
  };
  setHandler(
    pickUpUpdate,
    async ({ agentId }) => {
      // Synchronous until the activity: a second pick-up arriving meanwhile is refused by the validator.
      run.pickingUp = true;
      try {
        await routing.pickUp({ ...run.ids(), agentId });
        run.hold(agentId);
      } finally {
        run.pickingUp = false;
      }
      return { state: 'accepted' as const };
    },
    { validator: (_request: { agentId: number }) => waitsUnassigned() },
  );
  setHandler(
    routeUnassignedUpdate,
    (request) => {
      run.supervisorRequest = request;
      return { state: 'routing' as const };
    },
    { validator: (_request: SupervisorRequest) => waitsUnassigned() },
  );
}

/** Waits unassigned until someone holds the interaction (true) or it is closed (false). */
export async function waitUnassigned(run: PlacedRun, reason: string, again: RouteAgain): Promise<boolean> {
  for (;;) {
    run.customerWrote = null;
    run.supervisorRequest = null;
    await routing.markUnassigned({ ...run.ids(), reason });
    run.setState('unassigned');
    await condition(
      () =>
        run.closed ||
        run.status.holderAgentId !== null ||
        (!run.pickingUp && (run.supervisorRequest !== null || run.customerWrote !== null)),
    );
    if (run.closed) return false;
    if (run.status.holderAgentId !== null) return true;

    const request = run.supervisorRequest as SupervisorRequest | null;
    const messageId = run.customerWrote;
    let accepted: boolean;
    if (request !== null) {
      const { target, actorId } = request;
      await routing.recordRoutingEvent({ ...run.ids(), type: 'routed-by-supervisor', detail: { actorId, ...target } });
      accepted = target.kind === 'queue' ? await again.toQueue(target.queueId) : await again.toAgent(target.agentId);
      reason = accepted ? reason : `nobody took it from the ${target.kind} the supervisor chose`;
    } else {
      await routing.recordRoutingEvent({ ...run.ids(), type: 'routing-again', detail: { messageId } });
      const outcome = await again.forMessage(messageId!);
      accepted = outcome.accepted;
      reason = outcome.reason;
    }
    if (run.status.state === 'closed' || run.closed) return false;
    if (accepted) return true;
  }
}
