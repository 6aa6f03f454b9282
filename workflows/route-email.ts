/**
 * The routing story of one incoming email:
 *   1. take ownership of the interaction (or join the workflow that already owns it);
 *   2. offer it to the agent who already handles the thread, for "wait for the assigned agent";
 *   3. then to that agent's queues, for "wait for the assigned queue";
 *   4. then run the account's action plan (queue, agent, autoreply, close, jumps…);
 *   5. once an agent accepts, carry replies until the interaction is closed with a disposition.
 */
import {
  ActivityFailure,
  type ActivityOptions,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createDbActivities } from '../activities/db';
import type { createHttpActivities } from '../activities/http';
import type { createImapActivities } from '../activities/imap';
import type { createSmtpActivities } from '../activities/smtp';
import { evaluateCondition, findStepIndex, isWorkingTime, PLAN_STEP_BUDGET } from '../lib/action-plan';
import type {
  AccountRules,
  ActionStep,
  InteractionRoutingState,
  RouteEmailInput,
  RoutingContext,
  RoutingStatus,
  TransferTarget,
} from '../lib/domain';
import { RoutingErrorType } from '../lib/errors';
import {
  acceptOfferUpdate,
  agentsAvailableSignal,
  agentUnavailableSignal,
  closeUpdate,
  forwardUpdate,
  messageAddedSignal,
  rejectOfferUpdate,
  replyUpdate,
  routingStatusQuery,
  transferUpdate,
  type TransferRequest,
} from './messages';
import { accountKeyAttribute, agentAttribute, queueAttribute, stateAttribute } from './search-attributes';

/** Database activities take milliseconds; a short timeout retries one lost with a crashed worker quickly. */
const db = proxyActivities<ReturnType<typeof createDbActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '10 seconds', nonRetryableErrorTypes: [RoutingErrorType.NotFound] },
});
const smtpOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [RoutingErrorType.SmtpRejected, RoutingErrorType.DeliveryUncertain, RoutingErrorType.NotFound],
  },
} satisfies ActivityOptions;
const smtp = proxyActivities<ReturnType<typeof createSmtpActivities>>(smtpOptions);

/** The copy of a sent email in the mailbox's Sent folder: a few tries, then it is recorded as missing. */
const sentFolder = proxyActivities<ReturnType<typeof createImapActivities>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumAttempts: 5,
    nonRetryableErrorTypes: [RoutingErrorType.InvalidConfiguration, RoutingErrorType.NotFound],
  },
});

/** Autoreplies: a few tries only, so a broken SMTP server delays routing by seconds, not minutes. */
const autoreplySmtp = proxyActivities<ReturnType<typeof createSmtpActivities>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [RoutingErrorType.SmtpRejected, RoutingErrorType.DeliveryUncertain, RoutingErrorType.NotFound],
  },
});
/** Webhook steps: a few quick tries, then the plan goes on (the step's own timeout bounds each try). */
const http = proxyActivities<ReturnType<typeof createHttpActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [RoutingErrorType.InvalidConfiguration, RoutingErrorType.NotFound],
  },
});

/** While no agent is free, look again this often (an agentsAvailable signal wakes the workflow sooner). */
const AGENT_POLL_INTERVAL_MS = 2_000;
/**
 * Waiting in a queue: agents who become free wake the head of the line (agentsAvailable), so the poll is only a
 * safety net. It starts at 2 s and doubles up to 2 minutes while nobody is free, so parked interactions cost little.
 */
const QUEUE_WAIT_POLL_MAX_MS = 120_000;

function failureMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export interface RouteEmailResult {
  state: InteractionRoutingState;
  agentId: number | null;
  reason: string;
}

export async function routeEmail(input: RouteEmailInput): Promise<RouteEmailResult> {
  const { workflowId } = workflowInfo();
  const status: RoutingStatus = {
    state: 'new',
    interactionId: input.interactionId,
    messageId: input.messageId,
    planVersion: null,
    planStep: null,
    holderAgentId: null,
    queueId: null,
    pendingOffers: [],
    endReason: null,
  };
  /**
   * Pending offers: reservation → agent id. Named and entered here before the offer rows are written, so an
   * agent who sees the row can always accept it; cleared synchronously when an offer window ends.
   */
  const pending = new Map<string, number>();
  let offerRound = 0;
  let agentsMayBeAvailable = false;
  let closed = false;
  /** Set by the transfer update; the main loop carries the transfer out. */
  let transferRequest: { fromAgentId: number; target: TransferTarget } | null = null;
  let pausedAgent: { agentId: number; previous: { presence: string; pauseStatusId: number | null } } | null = null;
  /** Loaded once routing starts; the close handler reads the account's disposition rules from it. */
  const loaded: { context?: RoutingContext } = {};

  setHandler(routingStatusQuery, () => ({
    ...status,
    pendingOffers: [...pending].map(([reservation, agentId]) => ({ reservation, agentId })),
  }));
  setHandler(agentsAvailableSignal, () => {
    agentsMayBeAvailable = true;
  });
  setHandler(agentUnavailableSignal, async ({ agentId }) => {
    const reservations = [...pending].filter(([, offeredAgentId]) => offeredAgentId === agentId).map(([reservation]) => reservation);
    if (reservations.length === 0) return;
    for (const reservation of reservations) pending.delete(reservation);
    await db.settleOffers({ workflowId, reservations, state: 'canceled' });
  });

  setHandler(messageAddedSignal, async ({ messageId, fromWorkflowId }) => {
    // The holder (or whoever accepts the pending offer) gets the new message; nothing is offered again.
    await db.noteMessageAdded({
      interactionId: input.interactionId,
      workflowId,
      messageId,
      fromWorkflowId,
      holderAgentId: status.holderAgentId,
    });
  });

  setHandler(
    acceptOfferUpdate,
    async ({ reservation, agentId }) => {
      // Synchronously, before any other update of this activation is validated: the winner holds it and every
      // other offer stops being pending (the activity marks them rescinded).
      pending.clear();
      status.holderAgentId = agentId;
      setState('accepted', { agentId });
      await db.acceptOffer({ reservation, agentId, interactionId: input.interactionId, workflowId });
      return { interactionId: input.interactionId };
    },
    {
      validator: ({ reservation, agentId }) => {
        if (status.holderAgentId !== null) {
          throw new Error(`offer ${reservation} is no longer pending: agent ${status.holderAgentId} accepted the interaction`);
        }
        if (pending.get(reservation) !== agentId) {
          throw new Error(`offer ${reservation} is no longer pending for agent ${agentId} (routing state: ${status.state})`);
        }
      },
    },
  );
  setHandler(
    rejectOfferUpdate,
    async ({ reservation }) => {
      pending.delete(reservation);
      await db.settleOffers({ workflowId, reservations: [reservation], state: 'rejected' });
    },
    {
      validator: ({ reservation, agentId }) => {
        if (pending.get(reservation) !== agentId) throw new Error(`offer ${reservation} is no longer pending for agent ${agentId}`);
      },
    },
  );
  const mayReply = (kind: 'reply' | 'forward') => ({
    validator: ({ agentId }: { agentId: number }) => {
      if (status.state !== 'accepted' || status.holderAgentId !== agentId) {
        throw new Error(`agent ${agentId} does not hold interaction ${input.interactionId} (routing state: ${status.state}): no ${kind}`);
      }
    },
  });
  setHandler(
    replyUpdate,
    ({ sendTimeoutSeconds, ...request }) =>
      sendAgentEmail('reply', request.agentId, sendTimeoutSeconds, () =>
        db.createOutboundReply({ interactionId: input.interactionId, ...request }),
      ),
    mayReply('reply'),
  );
  setHandler(
    forwardUpdate,
    ({ sendTimeoutSeconds, ...request }) =>
      sendAgentEmail('forward', request.agentId, sendTimeoutSeconds, () =>
        db.createOutboundForward({ interactionId: input.interactionId, ...request }),
      ),
    mayReply('forward'),
  );
  setHandler(
    closeUpdate,
    async ({ actorId, dispositionId }) => {
      const holder = status.holderAgentId!;
      if (dispositionId === undefined && loaded.context!.mandatoryDisposition) {
        // Mandatory disposition: the agent is paused (if configured) until the disposition arrives.
        setState('disposing');
        if (loaded.context!.dispositionPauseStatusId !== null && pausedAgent === null) {
          const previous = await db.pauseAgent({ agentId: holder, pauseStatusId: loaded.context!.dispositionPauseStatusId });
          pausedAgent = { agentId: holder, previous };
        }
        return { state: 'disposing' as const };
      }
      await db.closeInteraction({ interactionId: input.interactionId, workflowId, actorId, dispositionId: dispositionId ?? null });
      if (pausedAgent !== null) {
        await db.restoreAgentPresence({ agentId: pausedAgent.agentId, previous: pausedAgent.previous });
        pausedAgent = null;
      }
      setState('closed');
      closed = true;
      return { state: 'closed' as const };
    },
    {
      validator: ({ actorId, asSupervisor, dispositionId }) => {
        if (status.state !== 'accepted' && status.state !== 'disposing') {
          throw new Error(`interaction ${input.interactionId} cannot be closed in routing state ${status.state}`);
        }
        if (!asSupervisor && status.holderAgentId !== actorId)
          throw new Error(`agent ${actorId} does not hold interaction ${input.interactionId}`);
        if (status.state === 'disposing' && dispositionId === undefined) {
          throw new Error(`interaction ${input.interactionId} needs a disposition to close`);
        }
      },
    },
  );

  setHandler(
    transferUpdate,
    ({ target }) => {
      // Synchronous: from here on nobody holds the interaction, so replies and closing wait for the transferee.
      transferRequest = { fromAgentId: status.holderAgentId!, target };
      status.holderAgentId = null;
      setState('transferring');
      return { state: 'transferring' as const };
    },
    {
      validator: ({ actorId, asSupervisor, target, reassign }: TransferRequest) => {
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
        const rules = loaded.context?.transfer;
        if (!rules?.enabled) throw new Error(`transfers are not enabled on account ${input.accountKey}`);
        const allowed = { agent: rules.toAgent, queue: rules.toQueue, account: rules.toAccount }[target.kind];
        if (!allowed)
          throw new Error(
            `account ${input.accountKey} does not allow transfers to ${target.kind === 'account' ? 'an' : 'a'} ${target.kind}`,
          );
      },
    },
  );

  /**
   * An agent's reply or forward: the outbox row (fixed Message-ID) first, then the send (at most once), then a
   * copy in the mailbox's Sent folder. A Sent folder that cannot be written is recorded, never fails the send.
   */
  async function sendAgentEmail(
    kind: 'reply' | 'forward',
    agentId: number,
    sendTimeoutSeconds: number | undefined,
    writeOutbox: () => Promise<{ outboundId: number; messageIdHeader: string }>,
  ): Promise<{ outboundId: number; messageIdHeader: string }> {
    const outbound = await writeOutbox();
    // Same command, same activity type: only the attempt's timeout differs, so histories replay unchanged.
    const sender =
      sendTimeoutSeconds === undefined
        ? smtp
        : proxyActivities<ReturnType<typeof createSmtpActivities>>({
            ...smtpOptions,
            startToCloseTimeout: Math.min(120, Math.max(1, Math.floor(sendTimeoutSeconds))) * 1000,
          });
    await sender.sendOutbound({ outboundId: outbound.outboundId });
    await db.recordRoutingEvent({ ...eventBase(), type: `${kind}-sent`, detail: { agentId, outboundId: outbound.outboundId } });
    if (patched('sent-folder-append')) {
      try {
        await sentFolder.appendToSentFolder({ outboundId: outbound.outboundId });
      } catch (error) {
        const reason = error instanceof ActivityFailure && error.cause ? error.cause.message : String(error);
        await db.recordRoutingEvent({
          ...eventBase(),
          type: 'sent-folder-append-failed',
          detail: { outboundId: outbound.outboundId, reason },
        });
      }
    }
    return outbound;
  }

  /** The next safety-net poll of a queue wait: backing off, unless the histories predate it (then always 2 s). */
  function nextQueuePoll(pollMs: number): number {
    return patched('queue-wait-backoff') ? Math.min(pollMs * 2, QUEUE_WAIT_POLL_MAX_MS) : AGENT_POLL_INTERVAL_MS;
  }

  function eventBase() {
    return { interactionId: input.interactionId, messageId: input.messageId, workflowId };
  }

  function setState(state: InteractionRoutingState, extra: { queueId?: number | null; agentId?: number | null } = {}) {
    status.state = state;
    if (extra.queueId !== undefined) status.queueId = extra.queueId;
    upsertSearchAttributes([
      { key: stateAttribute, value: state },
      ...(extra.queueId != null ? [{ key: queueAttribute, value: String(extra.queueId) }] : []),
      ...(extra.agentId != null ? [{ key: agentAttribute, value: String(extra.agentId) }] : []),
    ]);
  }

  async function end(state: InteractionRoutingState, reason: string): Promise<RouteEmailResult> {
    status.endReason = reason;
    setState(state);
    await condition(allHandlersFinished);
    return { state, agentId: status.holderAgentId, reason };
  }

  /**
   * Offers the message to `agentIds` at once and waits until one accepts, all decline, or `seconds` pass.
   * Returns true when an agent accepted.
   */
  async function offer(agentIds: number[], seconds: number, source: string, queueId: number | null): Promise<boolean> {
    offerRound += 1;
    const offers = agentIds.map((agentId) => ({ reservation: `r${offerRound}-a${agentId}`, agentId }));
    for (const { reservation, agentId } of offers) pending.set(reservation, agentId);
    const reservations = offers.map(({ reservation }) => reservation);
    await db.createOffers({ ...eventBase(), offers, source, queueId, timeoutSeconds: seconds });
    await condition(() => status.holderAgentId !== null || reservations.every((reservation) => !pending.has(reservation)), seconds * 1000);
    const unanswered = reservations.filter((reservation) => pending.has(reservation));
    for (const reservation of unanswered) pending.delete(reservation);
    if (status.holderAgentId !== null) return true;
    if (unanswered.length > 0) {
      const timedOut = await db.settleOffers({ workflowId, reservations: unanswered, state: 'timeout' });
      await db.recordRoutingEvent({
        ...eventBase(),
        type: 'offer-timeout',
        detail: { reservations: unanswered, agentIds: timedOut.agentIds },
      });
    }
    return false;
  }

  /** The assigned agent gets the message even while logged out or paused: it waits for them. */
  async function offerToAssignedAgent(ctx: RoutingContext): Promise<boolean> {
    if (ctx.assignedAgentId === null) return false;
    setState('offered-to-assigned-agent', { agentId: ctx.assignedAgentId });
    return offer([ctx.assignedAgentId], ctx.waitForAssignedAgentSeconds, 'assigned-agent', null);
  }

  async function offerToAssignedQueues(ctx: RoutingContext): Promise<boolean> {
    if (ctx.assignedAgentId === null || ctx.assignedAgentQueueIds.length === 0) return false;
    setState('offered-to-assigned-queue', { queueId: ctx.assignedAgentQueueIds[0] });
    return offerToQueues(ctx.assignedAgentQueueIds, ctx.waitForAssignedQueueSeconds, 'assigned-queue');
  }

  /** Offers to eligible agents of the queues, by each queue's strategy, until accepted or `seconds` pass. */
  async function offerToQueues(queueIds: number[], seconds: number, source: string): Promise<boolean> {
    const deadline = Date.now() + seconds * 1000;
    const declined = new Set<number>();
    let pollMs = AGENT_POLL_INTERVAL_MS;
    while (Date.now() < deadline) {
      const candidates = await db.pickQueueAgents({ queueIds, interactionId: input.interactionId, excludeAgentIds: [...declined] });
      const remainingSeconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      if (candidates.agentIds.length === 0) {
        // Nobody free (or everyone eligible already let this offer go): wait, then start a new round.
        declined.clear();
        if (status.state !== 'waiting-for-agents') {
          setState('waiting-for-agents', { queueId: queueIds[0] ?? null });
          // Recorded so that an agent coming online can wake this workflow (agentsAvailableSignal).
          await db.setRoutingState({
            interactionId: input.interactionId,
            workflowId,
            state: 'waiting-for-agents',
            queueId: queueIds[0] ?? null,
          });
        }
        agentsMayBeAvailable = false;
        const woken = await condition(() => agentsMayBeAvailable, Math.min(pollMs, remainingSeconds * 1000));
        pollMs = woken ? AGENT_POLL_INTERVAL_MS : nextQueuePoll(pollMs);
        continue;
      }
      setState('offered', { queueId: candidates.queueId });
      const seconds = Math.min(candidates.offerTimeoutSeconds, remainingSeconds);
      if (await offer(candidates.agentIds, seconds, source, candidates.queueId)) return true;
      for (const agentId of candidates.agentIds) declined.add(agentId);
    }
    return false;
  }

  async function runActionPlan(ctx: RoutingContext): Promise<{ accepted: boolean; reason: string }> {
    setState('running-action-plan');
    status.planVersion = ctx.plan.version;
    const steps = ctx.plan.steps;
    let index = 0;
    for (let executed = 0; executed < PLAN_STEP_BUDGET; executed++) {
      if (index >= steps.length) return { accepted: false, reason: 'action plan ended without an agent accepting' };
      const step = steps[index]!;
      status.planStep = index + 1;
      await db.recordRoutingEvent({
        ...eventBase(),
        type: 'plan-step',
        detail: { step: index + 1, stepType: step.type, planVersion: ctx.plan.version },
      });
      const outcome = await runStep(step, ctx, index + 1);
      if (outcome.kind === 'accepted') return { accepted: true, reason: `accepted at step ${index + 1}` };
      if (outcome.kind === 'closed') return { accepted: false, reason: `closed by step ${index + 1}` };
      if (outcome.kind === 'jump') {
        const target = findStepIndex(steps, outcome.label);
        if (target < 0) return { accepted: false, reason: `step ${index + 1} jumps to unknown step "${outcome.label}"` };
        index = target;
      } else {
        index += 1;
      }
    }
    return { accepted: false, reason: `action plan exceeded its budget of ${PLAN_STEP_BUDGET} steps` };
  }

  type StepOutcome = { kind: 'next' } | { kind: 'accepted' } | { kind: 'closed' } | { kind: 'jump'; label: string };

  async function runStep(step: ActionStep, ctx: RoutingContext, stepNumber: number): Promise<StepOutcome> {
    switch (step.type) {
      case 'queue':
        return (await offerToQueues([step.queueId], step.timeoutSeconds, 'queue-step')) ? { kind: 'accepted' } : { kind: 'next' };
      case 'agent':
        setState('offered', { agentId: step.agentId });
        return (await offerToAgentWhenAvailable(step.agentId, step.timeoutSeconds)) ? { kind: 'accepted' } : { kind: 'next' };
      case 'close':
        await db.closeInteraction({
          interactionId: input.interactionId,
          workflowId,
          actorId: null,
          dispositionId: step.dispositionId ?? null,
        });
        setState('closed');
        return { kind: 'closed' };
      case 'noop':
        return { kind: 'next' };
      case 'tag':
        ctx.interaction.tags = await db.addTags({ interactionId: input.interactionId, tags: step.tags });
        return { kind: 'next' };
      case 'priority':
        await db.setPriority({ interactionId: input.interactionId, priority: step.priority });
        ctx.interaction.priority = step.priority;
        return { kind: 'next' };
      case 'gotoif': {
        const facts = { ...ctx.message, tags: ctx.interaction.tags, priority: ctx.interaction.priority };
        const target = evaluateCondition(step.condition, facts) ? step.then : step.else;
        return target === undefined ? { kind: 'next' } : { kind: 'jump', label: target };
      }
      case 'gotop': {
        const target = isWorkingTime(step.schedule, new Date(Date.now())) ? step.then : step.else;
        return target === undefined ? { kind: 'next' } : { kind: 'jump', label: target };
      }
      case 'autoreply':
        await autoreply(step, stepNumber);
        return { kind: 'next' };
      case 'webhook':
        await webhook(step, stepNumber);
        return { kind: 'next' };
    }
  }

  /** Answers the customer automatically unless the sender must never be answered (loops) or the mode rules it out. */
  async function autoreply(step: Extract<ActionStep, { type: 'autoreply' }>, stepNumber: number): Promise<void> {
    const queued = await db.createAutoreply({
      ...eventBase(),
      step: stepNumber,
      template: step.template,
      mode: step.mode,
      replyAll: step.replyAll,
    });
    if (queued.outboundId === null) return;
    try {
      await autoreplySmtp.sendOutbound({ outboundId: queued.outboundId });
      await db.recordRoutingEvent({ ...eventBase(), type: 'autoreply-sent', detail: { step: stepNumber, outboundId: queued.outboundId } });
    } catch (error) {
      // A failed autoreply never stops routing: the failure is recorded and the plan goes on.
      await db.recordRoutingEvent({ ...eventBase(), type: 'autoreply-failed', detail: { step: stepNumber, error: failureMessage(error) } });
    }
  }

  async function webhook(step: Extract<ActionStep, { type: 'webhook' }>, stepNumber: number): Promise<void> {
    try {
      const answer = await http.postWebhook({ ...eventBase(), url: step.url, timeoutSeconds: step.timeoutSeconds, step: stepNumber });
      await db.recordRoutingEvent({ ...eventBase(), type: 'webhook-sent', detail: { step: stepNumber, status: answer.status } });
    } catch (error) {
      await db.recordRoutingEvent({ ...eventBase(), type: 'webhook-failed', detail: { step: stepNumber, error: failureMessage(error) } });
    }
  }

  async function offerToAgentWhenAvailable(agentId: number, seconds: number): Promise<boolean> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      const remainingSeconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      if (await db.isAgentAvailable({ agentId, interactionId: input.interactionId })) {
        if (await offer([agentId], remainingSeconds, 'agent-step', null)) return true;
        return false;
      }
      agentsMayBeAvailable = false;
      await condition(() => agentsMayBeAvailable, Math.min(AGENT_POLL_INTERVAL_MS, remainingSeconds * 1000));
    }
    return false;
  }

  /**
   * The transferee (an agent, or a queue's agents) has the account's transfer timeout to accept; otherwise the
   * interaction returns to the transferring agent, unread.
   */
  async function transfer(request: { fromAgentId: number; target: TransferTarget }, ctx: RoutingContext): Promise<void> {
    const { fromAgentId, target } = request;
    await db.startTransfer({ ...eventBase(), fromAgentId, target });
    const seconds = ctx.transferTimeoutSeconds;
    let returnToAccount: { id: number; key: string } | null = null;
    /** The new account's rules, once the interaction moved there (absent in histories recorded before they were). */
    let movedRules: AccountRules | undefined;
    let accepted: boolean;
    if (target.kind === 'agent') {
      accepted = await offer([target.agentId], seconds, 'transfer', null);
    } else if (target.kind === 'queue') {
      accepted = await offerToQueues([target.queueId], seconds, 'transfer');
    } else {
      // Another account: it arrives there unread, for that account's queues.
      const moved = await db.moveToAccount({ ...eventBase(), fromAgentId, toAccountId: target.accountId });
      if (moved.fromAccountId !== null) returnToAccount = { id: moved.fromAccountId, key: ctx.accountKey };
      upsertSearchAttributes([{ key: accountKeyAttribute, value: moved.accountKey }]);
      movedRules = moved.rules;
      accepted = await offerToQueues(moved.queueIds, seconds, 'transfer');
    }
    if (accepted) {
      // Held in the new account now: its disposition and transfer rules apply from here on.
      if (movedRules) loaded.context = { ...ctx, ...movedRules };
      return;
    }
    status.holderAgentId = fromAgentId;
    setState('accepted', { agentId: fromAgentId });
    if (returnToAccount !== null) upsertSearchAttributes([{ key: accountKeyAttribute, value: returnToAccount.key }]);
    await db.returnTransfer({
      ...eventBase(),
      agentId: fromAgentId,
      reason: `nobody accepted within ${seconds} s`,
      ...(returnToAccount !== null ? { accountId: returnToAccount.id } : {}),
    });
  }

  // 1. Ownership: a message on an interaction that another workflow already routes joins it.
  const claim = await db.claimInteraction({ interactionId: input.interactionId, messageId: input.messageId, workflowId });
  if (!claim.claimed) {
    if (patched('notify-owner-of-joined-message') && claim.ownerWorkflowId !== null) {
      try {
        await getExternalWorkflowHandle(claim.ownerWorkflowId).signal(messageAddedSignal, {
          messageId: input.messageId,
          fromWorkflowId: workflowId,
        });
      } catch {
        // The owner ended meanwhile: the message stays on the interaction for the next routing or a supervisor.
      }
    }
    await db.recordRoutingEvent({ ...eventBase(), type: 'message-joined', detail: { ownerWorkflowId: claim.ownerWorkflowId } });
    return end('joined-open-interaction', `interaction is routed by ${claim.ownerWorkflowId}`);
  }
  const ctx = await db.loadRoutingContext({ interactionId: input.interactionId, messageId: input.messageId });
  loaded.context = ctx;

  // 2–4. Assigned agent, then the assigned agent's queues, then the action plan.
  let accepted = (await offerToAssignedAgent(ctx)) || (await offerToAssignedQueues(ctx));
  if (!accepted) {
    const plan = await runActionPlan(ctx);
    if (status.state === 'closed') {
      return end('closed', plan.reason);
    }
    accepted = plan.accepted;
    if (!accepted) {
      await db.releaseInteraction({ interactionId: input.interactionId, workflowId, reason: plan.reason });
      return end('ended-without-agent', plan.reason);
    }
  }

  // 5. Accepted: the holder replies (replyUpdate), may transfer (transferUpdate), and closes (closeUpdate).
  while (!closed) {
    await condition(() => closed || transferRequest !== null);
    if (transferRequest !== null) {
      const request = transferRequest;
      transferRequest = null;
      await transfer(request, loaded.context!);
    }
  }
  return end('closed', 'closed by agent');
}
