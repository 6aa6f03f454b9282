/**
 * Routing activities over the database: ownership of interactions, what routing reads when it starts, offers
 * (reservations) and the agents they go to, presence, transfers, closing, and the routing event log. Each is
 * idempotent, since Temporal may retry it.
 */
import type { ActionStep } from '../domain/action-plan-schema';
import type { EventBus } from '../domain/live-events';
import { renderNotification } from '../domain/notifications';
import { orderQueueMembers } from '../domain/offer-order';
import type { Presence } from '../domain/people';
import type {
  AccountRules,
  InteractionRoutingState,
  OfferRef,
  OfferSource,
  OfferState,
  RoutingContext,
  TransferTarget,
} from '../domain/routing';
import type { RoutingEventInput } from '../domain/routing-events';
import { DEFAULT_TRANSFER_TEMPLATE, renderTemplate } from '../domain/templates';
import type { RoutingEvents } from '../services/routing-events';
import type { Store } from '../store';
import { found } from './failures';
import { jsonAddresses } from './addresses';
import { platformMetrics } from '../platform/metrics';

export interface RoutingActivityDeps {
  store: Pick<Store, 'routing' | 'agents' | 'routingOffers'>;
  /** Announces offers to the agents' desks. */
  events: EventBus;
  routingEvents: RoutingEvents;
  /** Told when routing paused agents ("not responding"), so their other pending offers are taken back at once. */
  onAgentPaused?: (agentId: number) => Promise<void>;
  /** Told when agents have room again (an offer ended, an interaction closed), so waiting interactions look again. */
  onAgentsFreed?: (agentIds: number[]) => Promise<void>;
}

/** How long a plan's queue step waits when an account has no plan yet (one step per account queue). */
const DEFAULT_QUEUE_STEP_SECONDS = 3600;
const MAX_BODY_FACT_CHARS = 32_768;

/** Disposition and transfer rules of an account, as routing applies them to the interaction it holds. */
function accountRules(account: {
  key: string;
  mandatoryDisposition: boolean;
  dispositionPauseStatusId: number | null;
  transferTimeoutSeconds: number;
  transferEnabled: boolean;
  transferToAgent: boolean;
  transferToQueue: boolean;
  transferToAccount: boolean;
}): AccountRules {
  return {
    accountKey: account.key,
    mandatoryDisposition: account.mandatoryDisposition,
    dispositionPauseStatusId: account.dispositionPauseStatusId,
    transferTimeoutSeconds: account.transferTimeoutSeconds,
    transfer: {
      enabled: account.transferEnabled,
      toAgent: account.transferToAgent,
      toQueue: account.transferToQueue,
      toAccount: account.transferToAccount,
    },
  };
}

export function createRoutingActivities({ store, events, routingEvents, onAgentPaused, onAgentsFreed }: RoutingActivityDeps) {
  const { routing, agents, routingOffers } = store;
  const recordRoutingEvent = (input: RoutingEventInput) => routingEvents.record(input);

  /** Agents who let a queue's offer time out are paused "not responding" when the queue asks for it (as Genesys). */
  async function pauseNotResponding(offers: Array<{ userId: number; queueId: number | null; interactionId: number; workflowId: string }>) {
    for (const offer of offers) {
      if (offer.queueId === null) continue;
      const pauseStatusId = await agents.notRespondingPauseStatus(offer.queueId);
      if (pauseStatusId === null) continue;
      if (!(await agents.pauseIfOnline(offer.userId, pauseStatusId))) continue;
      await onAgentPaused?.(offer.userId);
      await recordRoutingEvent({
        interactionId: offer.interactionId,
        workflowId: offer.workflowId,
        type: 'agent-not-responding',
        detail: { agentId: offer.userId, queueId: offer.queueId, pauseStatusId },
      });
    }
  }

  return {
    recordRoutingEvent,

    /** Takes the interaction for this workflow unless another routing workflow owns it. */
    async claimInteraction(input: { interactionId: number; messageId: number; workflowId: string }) {
      if (await routing.claim(input.interactionId, input.workflowId)) return { claimed: true as const, ownerWorkflowId: input.workflowId };
      const interaction = found(await routing.routingOwner(input.interactionId), `interaction ${input.interactionId}`);
      return { claimed: false as const, ownerWorkflowId: interaction.routingWorkflowId };
    },

    async loadRoutingContext(input: { interactionId: number; messageId: number }): Promise<RoutingContext> {
      const interaction = found(await routing.findWithAccount(input.interactionId), `interaction ${input.interactionId}`);
      const message = found(await routing.findMessage(input.messageId), `message ${input.messageId}`);
      const { account } = interaction;
      const accountQueueIds = account.queues.map((link) => link.queueId);
      const assignedAgentQueueIds = interaction.agentId === null ? [] : await routing.agentQueueIds(interaction.agentId, accountQueueIds);
      const latestPlan = await routing.latestPlan(account.id);
      const plan = latestPlan
        ? { version: latestPlan.version, steps: latestPlan.steps as unknown as ActionStep[] }
        : {
            version: 0,
            steps: accountQueueIds.map((queueId): ActionStep => ({ type: 'queue', queueId, timeoutSeconds: DEFAULT_QUEUE_STEP_SECONDS })),
          };
      return {
        ...accountRules(account),
        waitForAssignedAgentSeconds: account.waitForAssignedAgentSeconds,
        waitForAssignedQueueSeconds: account.waitForAssignedQueueSeconds,
        assignedAgentId: interaction.agentId,
        assignedAgentQueueIds,
        plan,
        message: {
          from: message.fromAddress ?? '',
          to: jsonAddresses(message.toAddresses),
          cc: jsonAddresses(message.ccAddresses),
          subject: message.subject,
          body: (message.text ?? '').slice(0, MAX_BODY_FACT_CHARS),
          headers: (message.headers ?? {}) as Record<string, string>,
        },
        interaction: { tags: interaction.tags, priority: interaction.priority },
      };
    },

    /**
     * Eligible agents of the first queue that has any: online, member of the account, with free capacity,
     * ordered by the queue's strategy. beepall returns them all (ring-all), the others one.
     */
    async pickQueueAgents(input: { queueIds: number[]; interactionId: number; excludeAgentIds: number[] }) {
      const accountId = found(await routing.accountIdOf(input.interactionId), `interaction ${input.interactionId}`);
      for (const queueId of input.queueIds) {
        const queue = await agents.queueWithEligibleMembers(queueId, accountId, input.excludeAgentIds);
        if (!queue || queue.members.length === 0) continue;
        const load = await agents.load(queue.members.map((member) => member.userId));
        const free = queue.members.filter((member) => (load.get(member.userId) ?? 0) < member.user.capacity);
        if (free.length === 0) continue;
        // Interactions are served by priority, then waiting time: leave the free agents to those ahead of this one.
        if ((await agents.waitingAhead(queueId, input.interactionId)) >= free.length) continue;
        const ordered = orderQueueMembers(
          queue.strategy,
          free.map((member) => ({
            agentId: member.userId,
            weight: member.weight,
            priority: member.priority,
            lastOfferAt: member.user.lastOfferAt?.getTime() ?? null,
            handledCount: member.user.handledCount,
          })),
          { rrPosition: queue.rrPosition, random: Math.random },
        );
        const agentIds = queue.strategy === 'beepall' ? ordered : ordered.slice(0, 1);
        if (queue.strategy === 'rrmemory' && agentIds[0] !== undefined) await agents.setRoundRobinPosition(queueId, agentIds[0]);
        return { agentIds, queueId, offerTimeoutSeconds: queue.offerTimeoutSeconds };
      }
      return { agentIds: [] as number[], queueId: input.queueIds[0] ?? null, offerTimeoutSeconds: 0 };
    },

    async isAgentAvailable(input: { agentId: number; interactionId: number }): Promise<boolean> {
      const agent = await agents.findAgent(input.agentId);
      if (!agent || agent.presence !== 'online') return false;
      const load = await agents.load([agent.id]);
      return (load.get(agent.id) ?? 0) < agent.capacity;
    },

    /** Writes the offer rows the workflow already named (idempotent on workflow + reservation), then announces them. */
    async createOffers(input: {
      interactionId: number;
      messageId: number;
      workflowId: string;
      offers: OfferRef[];
      source: OfferSource;
      queueId: number | null;
      timeoutSeconds: number;
    }): Promise<void> {
      const offeredAt = new Date();
      const expiresAt = new Date(offeredAt.getTime() + input.timeoutSeconds * 1000);
      const rows = await routingOffers.create({ ...input, offeredAt, expiresAt });
      await recordRoutingEvent({
        interactionId: input.interactionId,
        messageId: input.messageId,
        workflowId: input.workflowId,
        type: 'offered',
        detail: {
          source: input.source,
          queueId: input.queueId,
          agentIds: input.offers.map((offer) => offer.agentId),
          reservations: input.offers.map((offer) => offer.reservation),
          expiresAt: expiresAt.toISOString(),
        },
      });
      const interaction = await routingOffers.interactionWithAccount(input.interactionId);
      const notification = renderNotification(interaction.account, interaction);
      for (const row of rows) {
        await events.publish({
          kind: 'offer',
          accountId: interaction.accountId,
          interactionId: input.interactionId,
          agentId: row.userId,
          offerId: row.id,
          expiresAt: expiresAt.toISOString(),
          source: input.source,
          notification,
        });
      }
    },

    /** Ends pending offers with `state`; offers already answered keep their state. */
    async settleOffers(input: { workflowId: string; reservations: string[]; state: Exclude<OfferState, 'pending' | 'accepted'> }) {
      if (input.reservations.length === 0) return { agentIds: [] as number[] };
      const offers = await routingOffers.settle(input.workflowId, input.reservations, input.state);
      platformMetrics.offersEnded(input.state, offers.length);
      if (input.state === 'timeout') await pauseNotResponding(offers);
      await onAgentsFreed?.(offers.map((offer) => offer.userId));
      return { agentIds: offers.map((offer) => offer.userId) };
    },

    async acceptOffer(input: { reservation: string; agentId: number; interactionId: number; workflowId: string }) {
      const rescinded = await routingOffers.otherPendingAgents(input.workflowId, input.reservation);
      await routingOffers.accept(input);
      // Ring-all losers have room again for other waiting interactions.
      await onAgentsFreed?.(rescinded);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'accepted',
        detail: { agentId: input.agentId, reservation: input.reservation },
      });
    },

    async setRoutingState(input: { interactionId: number; workflowId: string; state: InteractionRoutingState; queueId: number | null }) {
      await routing.setState(input);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: input.state,
        detail: { queueId: input.queueId },
      });
    },

    async addTags(input: { interactionId: number; tags: string[] }): Promise<string[]> {
      const current = found(await routing.tags(input.interactionId), `interaction ${input.interactionId}`);
      const tags = [...new Set([...current, ...input.tags])];
      await routing.setTags(input.interactionId, tags);
      return tags;
    },

    async setPriority(input: { interactionId: number; priority: number }) {
      await routing.setPriority(input.interactionId, input.priority);
    },

    async closeInteraction(input: { interactionId: number; workflowId: string; actorId: number | null; dispositionId: number | null }) {
      const holderId = await routing.holder(input.interactionId);
      await routing.close(input);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'closed',
        detail: { actorId: input.actorId, dispositionId: input.dispositionId },
      });
      if (holderId !== null) await onAgentsFreed?.([holderId]);
    },

    /** Routing ended without an agent: the interaction stays open for the next message or a supervisor. */
    async releaseInteraction(input: { interactionId: number; workflowId: string; reason: string }) {
      await routing.release(input.interactionId, input.workflowId);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'routing-ended',
        detail: { reason: input.reason },
      });
    },

    /** Nobody took it: it waits unassigned, still owned by its run, for a pick-up, a supervisor or the customer. */
    async markUnassigned(input: { interactionId: number; workflowId: string; reason: string }) {
      await routing.markUnassigned(input.interactionId, input.workflowId);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'unassigned',
        detail: { reason: input.reason },
      });
    },

    /** An agent of the account took the unassigned interaction: they hold it, read. */
    async pickUp(input: { interactionId: number; workflowId: string; agentId: number }) {
      await routing.pickUp(input);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'picked-up',
        detail: { agentId: input.agentId },
      });
    },

    /** A new message joined an interaction routed by this workflow: it shows unread to its holder. */
    async noteMessageAdded(input: {
      interactionId: number;
      workflowId: string;
      messageId: number;
      fromWorkflowId: string;
      holderAgentId: number | null;
    }) {
      await routing.markMessageAdded(input.interactionId, input.messageId);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        messageId: input.messageId,
        workflowId: input.workflowId,
        type: 'message-added',
        detail: { agentId: input.holderAgentId, fromWorkflowId: input.fromWorkflowId },
        notify: true,
      });
    },

    /** A transfer starts: nobody holds the interaction, and it shows as unread to whoever takes it. */
    async startTransfer(input: { interactionId: number; workflowId: string; fromAgentId: number; target: TransferTarget }) {
      await routing.startTransfer(input.interactionId, input.workflowId);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'transfer-started',
        detail: { fromAgentId: input.fromAgentId, target: input.target },
      });
    },

    /**
     * Moves the interaction to another account, unread and unassigned, with a note rendered from the source
     * account's transfer template ({{fromAccount}}, {{toAccount}}). Idempotent: a retry finds it moved.
     */
    async moveToAccount(input: { interactionId: number; workflowId: string; fromAgentId: number; toAccountId: number }) {
      const interaction = found(await routing.findWithOwnAccount(input.interactionId), `interaction ${input.interactionId}`);
      const target = found(await routing.findAccountWithQueues(input.toAccountId), `account ${input.toAccountId}`);
      const queueIds = target.queues.map((link) => link.queueId);
      if (interaction.accountId === target.id)
        return { fromAccountId: null, accountKey: target.key, queueIds, rules: accountRules(target) };
      const source = interaction.account;
      const note = renderTemplate(source.transferTemplate ?? DEFAULT_TRANSFER_TEMPLATE, {
        fromAccount: source.name,
        toAccount: target.name,
        customer: { name: interaction.customerName, email: interaction.customerEmail },
        subject: interaction.subject,
      });
      await routing.moveToAccount({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        toAccountId: target.id,
        authorId: input.fromAgentId,
        subject: interaction.subject,
        note,
      });
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'transferred-to-account',
        detail: { fromAccountId: source.id, toAccountId: target.id, note },
      });
      return { fromAccountId: source.id, accountKey: target.key, queueIds, rules: accountRules(target) };
    },

    /** Nobody took the transfer in time: it goes back to the transferring agent (and account), unread. */
    async returnTransfer(input: { interactionId: number; workflowId: string; agentId: number; reason: string; accountId?: number }) {
      await routing.returnTransfer(input);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'transfer-returned',
        detail: { agentId: input.agentId, reason: input.reason },
      });
    },

    async pauseAgent(input: { agentId: number; pauseStatusId: number }) {
      const agent = found(await agents.findAgent(input.agentId), `agent ${input.agentId}`);
      await agents.setPresence(input.agentId, { presence: 'paused', pauseStatusId: input.pauseStatusId });
      return { presence: agent.presence as string, pauseStatusId: agent.pauseStatusId };
    },

    async restoreAgentPresence(input: { agentId: number; previous: { presence: string; pauseStatusId: number | null } }) {
      await agents.setPresence(input.agentId, {
        presence: input.previous.presence as Presence,
        pauseStatusId: input.previous.pauseStatusId,
      });
    },
  };
}
