/**
 * What the holder (or a supervisor) may ask of a run, and what every run answers whichever way its offers are
 * decided: its status; replies, forwards, transfers and closing once held (updates: the caller needs the outcome);
 * new messages on the interaction. Validators refuse what the run's state does not allow, so the caller gets the
 * reason at once (HTTP 409). The database activities come in as a parameter: local activities for runs with
 * database placement, regular ones for runs that poll (as their recorded histories say).
 *
 * Order of installing matters: a signal or update that arrives before the run's first task waits for its handler,
 * and is handled when the handler is installed. Signals that change who holds the interaction (an accept) are
 * installed before the updates that depend on it, so an accept and a close that arrive together are taken in order.
 */
import { condition, setHandler } from '@temporalio/workflow';
import {
  closeUpdate,
  forwardUpdate,
  messageAddedSignal,
  replyUpdate,
  routingStatusQuery,
  transferUpdate,
  type TransferRequest,
} from '../../contracts/route-email';
import type { DatabaseActivities } from './activities';
import type { RoutingRun } from './run';
import { sendAgentEmail } from './send';

export function installStatusQuery(run: RoutingRun): void {
  setHandler(routingStatusQuery, () => ({ ...run.status, pendingOffers: run.pendingOffers() }));
}

export function installMessageAdded(run: RoutingRun, db: DatabaseActivities): void {
  setHandler(messageAddedSignal, async ({ messageId, fromWorkflowId }) => {
    // The holder (or whoever accepts the pending offer) gets the new message; nothing is offered again.
    await db.noteMessageAdded({
      interactionId: run.input.interactionId,
      workflowId: run.workflowId,
      messageId,
      fromWorkflowId,
      holderAgentId: run.status.holderAgentId,
    });
  });
}

/**
 * @param presence pausing the holder while a disposition is missing, and giving their presence back: regular
 * activities on both paths, since the presence to give back is read when pausing and must be read once (a local
 * activity retried with its workflow task would read the paused presence).
 */
export function installHolderUpdates(
  run: RoutingRun,
  db: DatabaseActivities,
  presence: Pick<DatabaseActivities, 'pauseAgent' | 'restoreAgentPresence'>,
): void {
  const { input, status } = run;
  const { interactionId } = input;

  const mayReply = (kind: 'reply' | 'forward') => ({
    validator: ({ agentId }: { agentId: number }) => {
      if (status.state !== 'accepted' || status.holderAgentId !== agentId) {
        throw new Error(`agent ${agentId} does not hold interaction ${interactionId} (routing state: ${status.state}): no ${kind}`);
      }
    },
  });
  setHandler(
    replyUpdate,
    ({ sendTimeoutSeconds, ...request }) =>
      sendAgentEmail(run, db, 'reply', request.agentId, sendTimeoutSeconds, () => db.createOutboundReply({ interactionId, ...request })),
    mayReply('reply'),
  );
  setHandler(
    forwardUpdate,
    ({ sendTimeoutSeconds, ...request }) =>
      sendAgentEmail(run, db, 'forward', request.agentId, sendTimeoutSeconds, () =>
        db.createOutboundForward({ interactionId, ...request }),
      ),
    mayReply('forward'),
  );

  setHandler(
    closeUpdate,
    async ({ actorId, dispositionId }) => {
      const holder = status.holderAgentId!;
      // A worker that crashed before the run's first task completed starts it again: an accept and a close that
      // came meanwhile are delivered before the run has read the account's rules.
      if (run.context === undefined) await condition(() => run.context !== undefined);
      const rules = run.context!;
      if (dispositionId === undefined && rules.mandatoryDisposition) {
        // Mandatory disposition: the agent is paused (if configured) until the disposition arrives.
        run.setState('disposing');
        if (rules.dispositionPauseStatusId !== null && run.pausedAgent === null) {
          const previous = await presence.pauseAgent({ agentId: holder, pauseStatusId: rules.dispositionPauseStatusId });
          run.pausedAgent = { agentId: holder, previous };
        }
        return { state: 'disposing' as const };
      }
      await db.closeInteraction({ interactionId, workflowId: run.workflowId, actorId, dispositionId: dispositionId ?? null });
      if (run.pausedAgent !== null) {
        await presence.restoreAgentPresence({ agentId: run.pausedAgent.agentId, previous: run.pausedAgent.previous });
        run.pausedAgent = null;
      }
      run.setState('closed');
      run.closed = true;
      return { state: 'closed' as const };
    },
    {
      validator: ({ actorId, asSupervisor, dispositionId }) => {
        if (status.state !== 'accepted' && status.state !== 'disposing') {
          throw new Error(`interaction ${interactionId} cannot be closed in routing state ${status.state}`);
        }
        if (!asSupervisor && status.holderAgentId !== actorId)
          throw new Error(`agent ${actorId} does not hold interaction ${interactionId}`);
        if (status.state === 'disposing' && dispositionId === undefined) {
          throw new Error(`interaction ${interactionId} needs a disposition to close`);
        }
      },
    },
  );

  setHandler(
    transferUpdate,
    ({ target }) => {
      // Synchronous: from here on nobody holds the interaction, so replies and closing wait for the transferee.
      run.transferRequest = { fromAgentId: status.holderAgentId!, target };
      status.holderAgentId = null;
      run.setState('transferring');
      return { state: 'transferring' as const };
    },
    { validator: (request: TransferRequest) => validateTransfer(run, request) },
  );
}

function validateTransfer(run: RoutingRun, { actorId, asSupervisor, target, reassign }: TransferRequest): void {
  const { status, input } = run;
  if (status.state !== 'accepted') {
    throw new Error(
      `interaction ${input.interactionId} cannot be ${reassign ? 'reassigned' : 'transferred'} in routing state ${status.state}`,
    );
  }
  if (!asSupervisor && status.holderAgentId !== actorId)
    throw new Error(`agent ${actorId} does not hold interaction ${input.interactionId}`);
  if (target.kind === 'agent' && target.agentId === status.holderAgentId) throw new Error(`agent ${target.agentId} already holds it`);
  // A supervisor's reassignment to an agent is not bound by the account's transfer settings.
  if (reassign && asSupervisor && target.kind === 'agent') return;
  if (run.context === undefined) throw new Error(`interaction ${input.interactionId} is still starting its routing: try again`);
  const rules = run.context.transfer;
  if (!rules?.enabled) throw new Error(`transfers are not enabled on account ${input.accountKey}`);
  const allowed = { agent: rules.toAgent, queue: rules.toQueue, account: rules.toAccount }[target.kind];
  if (!allowed)
    throw new Error(`account ${input.accountKey} does not allow transfers to ${target.kind === 'account' ? 'an' : 'a'} ${target.kind}`);
}
