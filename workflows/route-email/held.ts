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
import { condition, patched, setHandler } from '@temporalio/workflow';
import {
  closeSignal,
  closeUpdate,
  type CloseAnswer,
  type CloseRequest,
  forwardUpdate,
  messageAddedSignal,
  replyUpdate,
  routingStatusQuery,
  transferSignal,
  transferUpdate,
  type TransferRequest,
} from '../../contracts/route-email';
import type { TransferTarget } from '../../domain/routing';
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
    // Nobody holds an unassigned interaction: the customer writing again is a reason to route it again.
    if (run.status.state === 'unassigned') run.customerWrote = messageId;
    run.serviceNews?.push({ kind: 'customer', at: Date.now(), messageId });
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

  setHandler(closeUpdate, (request) => close(run, db, presence, request), { validator: (request) => validateClose(run, request) });
  setHandler(closeSignal, async (request) => {
    if (await refusedSignal(run, db, 'close', () => validateClose(run, request))) return;
    await close(run, db, presence, request);
  });

  setHandler(transferUpdate, ({ target }) => startTransfer(run, target), {
    validator: (request: TransferRequest) => validateTransfer(run, request),
  });
  setHandler(transferSignal, async (request) => {
    if (await refusedSignal(run, db, 'transfer', () => validateTransfer(run, request))) return;
    startTransfer(run, request.target);
  });
}

/** Synchronous: from here on nobody holds the interaction, so replies and closing wait for the transferee. */
export function startTransfer(run: RoutingRun, target: TransferTarget) {
  run.transferRequest = { fromAgentId: run.status.holderAgentId!, target };
  run.status.holderAgentId = null;
  run.setState('transferring');
  return { state: 'transferring' as const };
}

/**
 * A signal has no caller to answer: one its validator refuses is recorded on the interaction's log with the reason
 * (the operator reads it in the supervisor's history) and otherwise ignored.
 */
async function refusedSignal(run: RoutingRun, db: DatabaseActivities, signal: string, validate: () => void): Promise<boolean> {
  try {
    validate();
    return false;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await db.recordRoutingEvent({ ...run.ids(), type: 'signal-refused', detail: { signal, reason } });
    return true;
  }
}

function validateClose(run: RoutingRun, { actorId, asSupervisor, dispositionId }: CloseRequest): void {
  const { status, input } = run;
  // An interaction waiting unassigned may be closed by a supervisor (spam, a duplicate) without anyone holding it.
  const closable = status.state === 'accepted' || status.state === 'disposing' || (status.state === 'unassigned' && asSupervisor);
  if (!closable) throw new Error(`interaction ${input.interactionId} cannot be closed in routing state ${status.state}`);
  if (!asSupervisor && status.holderAgentId !== actorId)
    throw new Error(`agent ${actorId} does not hold interaction ${input.interactionId}`);
  if ((status.state === 'disposing' || status.state === 'unassigned') && dispositionId === undefined && run.context?.mandatoryDisposition) {
    throw new Error(`interaction ${input.interactionId} needs a disposition to close`);
  }
}

async function close(
  run: RoutingRun,
  db: DatabaseActivities,
  presence: Pick<DatabaseActivities, 'pauseAgent' | 'restoreAgentPresence'>,
  { actorId, dispositionId }: CloseRequest,
): Promise<CloseAnswer> {
  const { interactionId } = run.input;
  const holder = run.status.holderAgentId;
  // A worker that crashed before the run's first task completed starts it again: an accept and a close that
  // came meanwhile are delivered before the run has read the account's rules.
  if (run.context === undefined) await condition(() => run.context !== undefined);
  const rules = run.context!;
  if (dispositionId === undefined && rules.mandatoryDisposition && holder !== null) {
    // Mandatory disposition: the agent is paused (if configured) until the disposition arrives.
    run.setState('disposing');
    if (patched('disposition-needed-recorded')) {
      await db.recordRoutingEvent({ ...run.ids(), type: 'disposition-needed', detail: { agentId: holder } });
    }
    if (rules.dispositionPauseStatusId !== null && run.pausedAgent === null) {
      const previous = await presence.pauseAgent({ agentId: holder, pauseStatusId: rules.dispositionPauseStatusId });
      run.pausedAgent = { agentId: holder, previous };
    }
    return { state: 'disposing', needs: 'disposition', message: 'choose a disposition to close this interaction' };
  }
  await db.closeInteraction({ interactionId, workflowId: run.workflowId, actorId, dispositionId: dispositionId ?? null });
  if (run.pausedAgent !== null) {
    await presence.restoreAgentPresence({ agentId: run.pausedAgent.agentId, previous: run.pausedAgent.previous });
    run.pausedAgent = null;
  }
  run.setState('closed');
  run.closed = true;
  return { state: 'closed' };
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
