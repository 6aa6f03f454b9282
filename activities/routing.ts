/**
 * Routing activities that touch PostgreSQL: ownership of interactions, offers (reservations),
 * presence, closing, and the routing event log. Each is idempotent, since Temporal may retry it.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../store/db';
import type { ActionStep } from '../domain/action-plan-schema';
import type { ForwardRequest, OutboundRequest } from '../domain/email';
import type {
  AccountRules,
  InteractionRoutingState,
  OfferRef,
  OfferSource,
  OfferState,
  RoutingContext,
  TransferTarget,
} from '../domain/routing';
import { RoutingErrorType } from '../domain/errors';
import { orderQueueMembers } from '../domain/offer-order';
import {
  buildForwardEnvelope,
  buildReplyEnvelope,
  composeAgentBody,
  outboundMessageId,
  type BodyTemplate,
  type OutboundEnvelope,
  type QuotedMessage,
} from '../domain/outbound';
import { renderNotification } from '../domain/notifications';
import { sanitizeEmailHtml } from '../platform/sanitize';
import type { EventBus } from '../domain/live-events';
import type { RoutingEventInput } from '../domain/routing-events';
import type { RoutingEvents } from '../services/routing-events';
import { DEFAULT_TRANSFER_TEMPLATE, renderTemplate } from '../domain/templates';
import { AUTOREPLY_HEADERS, autoreplyBlockReason, autoreplyCc, autoreplyModeBlock, type AutoreplyMode } from '../domain/autoreply';

export interface DbActivityDeps {
  db: Database;
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

function notFound(what: string): never {
  throw ApplicationFailure.create({ message: `${what} not found`, type: RoutingErrorType.NotFound, nonRetryable: true });
}

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

/** An outbox row as the workflow knows it. */
interface OutboundRow {
  outboundId: number;
  messageIdHeader: string;
}

/** Addresses stored as JSON on a message, as plain strings. */
function jsonAddresses(value: unknown): string[] {
  return Array.isArray(value) ? value.map((entry) => String((entry as { address?: string }).address ?? entry)) : [];
}

export function createDbActivities({ db, events, routingEvents, onAgentPaused, onAgentsFreed }: DbActivityDeps) {
  const recordRoutingEvent = (input: RoutingEventInput) => routingEvents.record(input);

  /**
   * What every agent-written outbound email starts from: the interaction, its account and thread, the agent,
   * the canned answer (global or the account's), the deterministic Message-ID, and how to write the row.
   * When a row for this request exists already, that row (the request was retried).
   */
  async function outboundDraft(input: { interactionId: number } & OutboundRequest) {
    const interaction = await db.interaction.findUnique({
      where: { id: input.interactionId },
      include: { account: true, messages: { orderBy: { id: 'asc' } } },
    });
    if (!interaction) notFound(`interaction ${input.interactionId}`);
    const { account } = interaction;
    const messageIdHeader = outboundMessageId({
      accountEmail: account.emailAddress,
      interactionId: interaction.id,
      requestId: input.requestId,
    });
    const existing = await db.outboundEmail.findUnique({ where: { messageIdHeader } });
    if (existing) return { existing: { outboundId: existing.id, messageIdHeader } as OutboundRow } as const;

    const agent = await db.user.findUnique({ where: { id: input.agentId } });
    const canned =
      input.cannedAnswerId === undefined
        ? null
        : await db.cannedAnswer.findFirst({ where: { id: input.cannedAnswerId, OR: [{ accountId: null }, { accountId: account.id }] } });
    if (input.cannedAnswerId !== undefined && !canned) notFound(`canned answer ${input.cannedAnswerId} of account ${account.key}`);
    const previousMessage =
      [...interaction.messages].reverse().find((message) => message.direction === 'inbound') ?? interaction.messages.at(-1) ?? null;
    const variables = {
      customer: { name: interaction.customerName ?? '', email: interaction.customerEmail },
      agent: { name: agent?.name ?? '', email: agent?.email ?? '' },
      interaction: { id: interaction.id, subject: interaction.subject },
      account: { name: account.name, key: account.key, email: account.emailAddress },
      subject: interaction.subject,
    };
    return {
      existing: null,
      account,
      interaction,
      thread: interaction.messages,
      agentName: agent?.name ?? null,
      previousMessage,
      messageIdHeader,
      composeBody: (forwarded: QuotedMessage | null) =>
        composeAgentBody({
          agentText: input.text,
          ...(input.html !== undefined ? { agentHtml: sanitizeEmailHtml(input.html) } : {}),
          cannedAnswer: canned?.body ?? null,
          template: (account.bodyTemplate ?? null) as BodyTemplate | null,
          variables,
          forwarded,
        }),
      async write(kind: 'reply' | 'forward', envelope: OutboundEnvelope): Promise<OutboundRow> {
        const row = await db.outboundEmail.upsert({
          where: { messageIdHeader },
          create: {
            interactionId: interaction.id,
            accountId: account.id,
            kind,
            authorId: input.agentId,
            messageIdHeader,
            envelope: envelope as object,
          },
          update: {},
        });
        return { outboundId: row.id, messageIdHeader };
      },
    };
  }

  async function agentLoad(agentIds: number[]): Promise<Map<number, number>> {
    const held = await db.interaction.groupBy({
      by: ['agentId'],
      where: { agentId: { in: agentIds }, status: 'open', routingState: { in: ['accepted', 'disposing'] } },
      _count: { _all: true },
    });
    const offered = await db.offer.groupBy({
      by: ['userId'],
      where: { userId: { in: agentIds }, state: 'pending' },
      _count: { _all: true },
    });
    const load = new Map<number, number>();
    for (const row of held) if (row.agentId !== null) load.set(row.agentId, row._count._all);
    for (const row of offered) load.set(row.userId, (load.get(row.userId) ?? 0) + row._count._all);
    return load;
  }

  /** Interactions waiting for this queue's agents that come before `interactionId` (higher priority, or waiting longer). */
  async function waitingAhead(queueId: number, interactionId: number): Promise<number> {
    const me = await db.interaction.findUnique({ where: { id: interactionId }, select: { priority: true, lastMessageAt: true } });
    if (!me) return 0;
    return db.interaction.count({
      where: {
        id: { not: interactionId },
        queueId,
        status: 'open',
        routingState: 'waiting-for-agents',
        routingWorkflowId: { not: null },
        OR: [
          { priority: { gt: me.priority } },
          { priority: me.priority, lastMessageAt: { lt: me.lastMessageAt } },
          { priority: me.priority, lastMessageAt: me.lastMessageAt, id: { lt: interactionId } },
        ],
      },
    });
  }

  /** Agents who let a queue's offer time out are paused "not responding" when the queue asks for it (as Genesys). */
  async function pauseNotResponding(offers: Array<{ userId: number; queueId: number | null; interactionId: number; workflowId: string }>) {
    for (const offer of offers) {
      if (offer.queueId === null) continue;
      const queue = await db.queue.findUnique({ where: { id: offer.queueId }, select: { notRespondingPauseStatusId: true } });
      const pauseStatusId = queue?.notRespondingPauseStatusId ?? null;
      if (pauseStatusId === null || !(await db.pauseStatus.findUnique({ where: { id: pauseStatusId } }))) continue;
      const paused = await db.user.updateMany({
        where: { id: offer.userId, presence: 'online' },
        data: { presence: 'paused', pauseStatusId },
      });
      if (paused.count === 0) continue;
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
      const taken = await db.interaction.updateMany({
        where: { id: input.interactionId, OR: [{ routingWorkflowId: null }, { routingWorkflowId: input.workflowId }] },
        data: { routingWorkflowId: input.workflowId, status: 'open', closedAt: null, routingState: 'new' },
      });
      if (taken.count === 1) return { claimed: true as const, ownerWorkflowId: input.workflowId };
      const interaction = await db.interaction.findUnique({ where: { id: input.interactionId }, select: { routingWorkflowId: true } });
      if (!interaction) notFound(`interaction ${input.interactionId}`);
      return { claimed: false as const, ownerWorkflowId: interaction.routingWorkflowId };
    },

    async loadRoutingContext(input: { interactionId: number; messageId: number }): Promise<RoutingContext> {
      const interaction = await db.interaction.findUnique({
        where: { id: input.interactionId },
        include: { account: { include: { queues: true } } },
      });
      if (!interaction) notFound(`interaction ${input.interactionId}`);
      const message = await db.message.findUnique({ where: { id: input.messageId } });
      if (!message) notFound(`message ${input.messageId}`);
      const { account } = interaction;
      const accountQueueIds = account.queues.map((link) => link.queueId);
      const assignedAgentQueueIds =
        interaction.agentId === null
          ? []
          : (
              await db.queueMember.findMany({
                where: { userId: interaction.agentId, queueId: { in: accountQueueIds } },
                orderBy: [{ priority: 'asc' }, { queueId: 'asc' }],
              })
            ).map((member) => member.queueId);
      const latestPlan = await db.actionPlanVersion.findFirst({ where: { accountId: account.id }, orderBy: { version: 'desc' } });
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
      const interaction = await db.interaction.findUnique({ where: { id: input.interactionId }, select: { accountId: true } });
      if (!interaction) notFound(`interaction ${input.interactionId}`);
      for (const queueId of input.queueIds) {
        const queue = await db.queue.findUnique({
          where: { id: queueId },
          include: {
            members: {
              where: {
                userId: { notIn: input.excludeAgentIds },
                user: { presence: 'online', accountAgents: { some: { accountId: interaction.accountId } } },
              },
              include: { user: true },
            },
          },
        });
        if (!queue || queue.members.length === 0) continue;
        const load = await agentLoad(queue.members.map((member) => member.userId));
        const free = queue.members.filter((member) => (load.get(member.userId) ?? 0) < member.user.capacity);
        if (free.length === 0) continue;
        // Interactions are served by priority, then waiting time: leave the free agents to those ahead of this one.
        if ((await waitingAhead(queueId, input.interactionId)) >= free.length) continue;
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
        if (queue.strategy === 'rrmemory' && agentIds[0] !== undefined) {
          await db.queue.update({ where: { id: queueId }, data: { rrPosition: agentIds[0] } });
        }
        return { agentIds, queueId, offerTimeoutSeconds: queue.offerTimeoutSeconds };
      }
      return { agentIds: [] as number[], queueId: input.queueIds[0] ?? null, offerTimeoutSeconds: 0 };
    },

    async isAgentAvailable(input: { agentId: number; interactionId: number }): Promise<boolean> {
      const agent = await db.user.findUnique({ where: { id: input.agentId } });
      if (!agent || agent.presence !== 'online') return false;
      const load = await agentLoad([agent.id]);
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
      const now = new Date();
      const expiresAt = new Date(now.getTime() + input.timeoutSeconds * 1000);
      const agentIds = input.offers.map((offer) => offer.agentId);
      const rows = await db.$transaction(async (tx) => {
        const written = [];
        for (const offer of input.offers) {
          written.push(
            await tx.offer.upsert({
              where: { workflowId_reservation: { workflowId: input.workflowId, reservation: offer.reservation } },
              create: {
                interactionId: input.interactionId,
                messageId: input.messageId,
                userId: offer.agentId,
                workflowId: input.workflowId,
                reservation: offer.reservation,
                source: input.source,
                queueId: input.queueId,
                expiresAt,
              },
              update: {},
            }),
          );
        }
        await tx.user.updateMany({ where: { id: { in: agentIds } }, data: { lastOfferAt: now } });
        await tx.interaction.update({
          where: { id: input.interactionId },
          data: { routingState: 'offered', ...(input.queueId !== null ? { queueId: input.queueId } : {}) },
        });
        return written;
      });
      await recordRoutingEvent({
        interactionId: input.interactionId,
        messageId: input.messageId,
        workflowId: input.workflowId,
        type: 'offered',
        detail: {
          source: input.source,
          queueId: input.queueId,
          agentIds,
          reservations: input.offers.map((offer) => offer.reservation),
          expiresAt: expiresAt.toISOString(),
        },
      });
      const interaction = await db.interaction.findUniqueOrThrow({ where: { id: input.interactionId }, include: { account: true } });
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
      const where = { workflowId: input.workflowId, reservation: { in: input.reservations }, state: 'pending' as const };
      const offers = await db.offer.findMany({ where });
      await db.offer.updateMany({ where, data: { state: input.state, respondedAt: new Date() } });
      if (input.state === 'timeout') await pauseNotResponding(offers);
      await onAgentsFreed?.(offers.map((offer) => offer.userId));
      return { agentIds: offers.map((offer) => offer.userId) };
    },

    async acceptOffer(input: { reservation: string; agentId: number; interactionId: number; workflowId: string }) {
      const rescinded = await db.offer.findMany({
        where: { workflowId: input.workflowId, state: 'pending', reservation: { not: input.reservation } },
        select: { userId: true },
      });
      await db.$transaction([
        db.offer.update({
          where: { workflowId_reservation: { workflowId: input.workflowId, reservation: input.reservation } },
          data: { state: 'accepted', respondedAt: new Date() },
        }),
        db.offer.updateMany({
          where: { workflowId: input.workflowId, state: 'pending', reservation: { not: input.reservation } },
          data: { state: 'rescinded', respondedAt: new Date() },
        }),
        db.interaction.update({
          where: { id: input.interactionId },
          data: { agentId: input.agentId, routingState: 'accepted', read: true },
        }),
        db.user.update({ where: { id: input.agentId }, data: { handledCount: { increment: 1 } } }),
      ]);
      // Ring-all losers have room again for other waiting interactions.
      await onAgentsFreed?.(rescinded.map((offer) => offer.userId));
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'accepted',
        detail: { agentId: input.agentId, reservation: input.reservation },
      });
    },

    async setRoutingState(input: { interactionId: number; workflowId: string; state: InteractionRoutingState; queueId: number | null }) {
      await db.interaction.updateMany({
        where: { id: input.interactionId, routingWorkflowId: input.workflowId },
        data: { routingState: input.state, ...(input.queueId !== null ? { queueId: input.queueId } : {}) },
      });
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: input.state,
        detail: { queueId: input.queueId },
      });
    },

    async addTags(input: { interactionId: number; tags: string[] }): Promise<string[]> {
      const interaction = await db.interaction.findUnique({ where: { id: input.interactionId }, select: { tags: true } });
      if (!interaction) notFound(`interaction ${input.interactionId}`);
      const tags = [...new Set([...interaction.tags, ...input.tags])];
      await db.interaction.update({ where: { id: input.interactionId }, data: { tags } });
      return tags;
    },

    async setPriority(input: { interactionId: number; priority: number }) {
      await db.interaction.update({ where: { id: input.interactionId }, data: { priority: input.priority } });
    },

    async closeInteraction(input: { interactionId: number; workflowId: string; actorId: number | null; dispositionId: number | null }) {
      const holder = await db.interaction.findUnique({ where: { id: input.interactionId }, select: { agentId: true } });
      await db.$transaction([
        db.interaction.update({
          where: { id: input.interactionId },
          data: {
            status: 'closed',
            closedAt: new Date(),
            dispositionId: input.dispositionId,
            routingState: 'closed',
            routingWorkflowId: null,
          },
        }),
        db.offer.updateMany({
          where: { workflowId: input.workflowId, state: 'pending' },
          data: { state: 'canceled', respondedAt: new Date() },
        }),
      ]);
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'closed',
        detail: { actorId: input.actorId, dispositionId: input.dispositionId },
      });
      if (holder?.agentId != null) await onAgentsFreed?.([holder.agentId]);
    },

    /** Routing ended without an agent: the interaction stays open for the next message or a supervisor. */
    async releaseInteraction(input: { interactionId: number; workflowId: string; reason: string }) {
      await db.interaction.updateMany({
        where: { id: input.interactionId, routingWorkflowId: input.workflowId },
        data: { routingWorkflowId: null, routingState: 'ended-without-agent' },
      });
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'routing-ended',
        detail: { reason: input.reason },
      });
    },

    /**
     * The autoreply step: decides whether this message may be answered automatically (never auto-submitted, bulk,
     * list or bounce senders; the step's mode), then writes the outbox row (fixed Message-ID per message and step,
     * so a retry finds the same row). Returns the row to send, or why it was skipped.
     */
    async createAutoreply(input: {
      interactionId: number;
      messageId: number;
      workflowId: string;
      step: number;
      template: string;
      mode: AutoreplyMode;
      replyAll: boolean;
    }): Promise<{ outboundId: number; skipped: null } | { outboundId: null; skipped: string }> {
      const interaction = await db.interaction.findUnique({
        where: { id: input.interactionId },
        include: { account: true, messages: { orderBy: { id: 'asc' } } },
      });
      if (!interaction) notFound(`interaction ${input.interactionId}`);
      const message = interaction.messages.find((entry) => entry.id === input.messageId);
      if (!message) notFound(`message ${input.messageId}`);
      const { account } = interaction;
      const messageIdHeader = outboundMessageId({
        accountEmail: account.emailAddress,
        interactionId: interaction.id,
        requestId: `autoreply-${input.messageId}-${input.step}`,
      });
      const existing = await db.outboundEmail.findUnique({ where: { messageIdHeader } });
      if (existing) return { outboundId: existing.id, skipped: null };

      const sender = message.fromAddress ?? '';
      const skipped =
        autoreplyBlockReason({
          loopTags: message.loopTags,
          headers: (message.headers ?? {}) as Record<string, unknown>,
          fromAddress: message.fromAddress,
          accountAddress: account.emailAddress,
        }) ??
        autoreplyModeBlock(input.mode, {
          earlierAutorepliesToSender: await db.outboundEmail.count({
            where: { accountId: account.id, kind: 'autoreply', interaction: { customerEmail: { equals: sender, mode: 'insensitive' } } },
          }),
          earlierInboundOnInteraction: interaction.messages.filter((entry) => entry.direction === 'inbound' && entry.id < message.id)
            .length,
        });
      if (skipped !== null) {
        await recordRoutingEvent({ ...input, type: 'autoreply-skipped', detail: { step: input.step, reason: skipped } });
        return { outboundId: null, skipped };
      }

      const text = renderTemplate(input.template, {
        customer: { name: interaction.customerName ?? message.fromName ?? '', email: interaction.customerEmail },
        subject: interaction.subject,
        account: { name: account.name, key: account.key, email: account.emailAddress },
        interaction: { id: interaction.id },
      });
      const envelope = buildReplyEnvelope({
        account: { key: account.key, name: account.name, emailAddress: account.emailAddress },
        interaction: {
          id: interaction.id,
          subject: interaction.subject,
          customerEmail: sender || interaction.customerEmail,
          customerName: null,
        },
        thread: interaction.messages.filter((entry) => entry.id <= message.id),
        agentName: null,
        text,
        messageIdHeader,
      });
      envelope.headers = { ...envelope.headers, ...AUTOREPLY_HEADERS };
      if (input.replyAll) {
        envelope.cc = autoreplyCc({
          to: jsonAddresses(message.toAddresses),
          cc: jsonAddresses(message.ccAddresses),
          sender,
          accountAddress: account.emailAddress,
        }).map((address) => ({ address }));
      }
      const row = await db.outboundEmail.upsert({
        where: { messageIdHeader },
        create: { interactionId: interaction.id, accountId: account.id, kind: 'autoreply', messageIdHeader, envelope: envelope as object },
        update: {},
      });
      await recordRoutingEvent({ ...input, type: 'autoreply-queued', detail: { step: input.step, outboundId: row.id } });
      return { outboundId: row.id, skipped: null };
    },

    /** A new message joined an interaction routed by this workflow: it shows unread to its holder. */
    async noteMessageAdded(input: {
      interactionId: number;
      workflowId: string;
      messageId: number;
      fromWorkflowId: string;
      holderAgentId: number | null;
    }) {
      const message = await db.message.findUnique({ where: { id: input.messageId }, select: { receivedAt: true } });
      await db.interaction.update({
        where: { id: input.interactionId },
        data: { read: false, ...(message ? { lastMessageAt: message.receivedAt } : {}) },
      });
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
      await db.interaction.updateMany({
        where: { id: input.interactionId, routingWorkflowId: input.workflowId },
        data: { routingState: 'transferring', read: false },
      });
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
      const interaction = await db.interaction.findUnique({ where: { id: input.interactionId }, include: { account: true } });
      if (!interaction) notFound(`interaction ${input.interactionId}`);
      const target = await db.emailAccount.findUnique({ where: { id: input.toAccountId }, include: { queues: true } });
      if (!target) notFound(`account ${input.toAccountId}`);
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
      await db.$transaction([
        db.interaction.update({
          where: { id: input.interactionId },
          data: { accountId: target.id, agentId: null, queueId: null, read: false, routingState: 'transferring' },
        }),
        db.message.create({
          data: {
            interactionId: input.interactionId,
            accountId: target.id,
            direction: 'note',
            authorId: input.fromAgentId,
            subject: interaction.subject,
            text: note,
            workflowId: input.workflowId,
          },
        }),
      ]);
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
      await db.interaction.updateMany({
        where: { id: input.interactionId, routingWorkflowId: input.workflowId },
        data: {
          agentId: input.agentId,
          routingState: 'accepted',
          read: false,
          ...(input.accountId !== undefined ? { accountId: input.accountId } : {}),
        },
      });
      await recordRoutingEvent({
        interactionId: input.interactionId,
        workflowId: input.workflowId,
        type: 'transfer-returned',
        detail: { agentId: input.agentId, reason: input.reason },
      });
    },

    async pauseAgent(input: { agentId: number; pauseStatusId: number }) {
      const agent = await db.user.findUnique({ where: { id: input.agentId } });
      if (!agent) notFound(`agent ${input.agentId}`);
      await db.user.update({ where: { id: input.agentId }, data: { presence: 'paused', pauseStatusId: input.pauseStatusId } });
      return { presence: agent.presence as string, pauseStatusId: agent.pauseStatusId };
    },

    async restoreAgentPresence(input: { agentId: number; previous: { presence: string; pauseStatusId: number | null } }) {
      await db.user.update({
        where: { id: input.agentId },
        data: { presence: input.previous.presence as 'online' | 'paused' | 'offline', pauseStatusId: input.previous.pauseStatusId },
      });
    },

    /** Writes the outbox row for a reply before anything is sent; the same request id gives the same row. */
    async createOutboundReply(input: { interactionId: number } & OutboundRequest): Promise<OutboundRow> {
      const draft = await outboundDraft(input);
      if (draft.existing) return draft.existing;
      const envelope = buildReplyEnvelope({
        account: draft.account,
        interaction: draft.interaction,
        thread: draft.thread,
        agentName: draft.agentName,
        ...draft.composeBody(null),
        messageIdHeader: draft.messageIdHeader,
        attachments: input.attachments ?? [],
      });
      return draft.write('reply', envelope);
    },

    /**
     * Writes the outbox row for a forward: new recipients, "Fwd:" subject, and the newest customer message
     * quoted with its attachments when asked (by default when the account includes the message on forward).
     */
    async createOutboundForward(input: { interactionId: number } & ForwardRequest): Promise<OutboundRow> {
      const draft = await outboundDraft(input);
      if (draft.existing) return draft.existing;
      const include = input.includePreviousMessage ?? draft.account.includeMessageOnForward;
      const previous = include ? draft.previousMessage : null;
      const previousAttachments = previous
        ? (await db.attachment.findMany({ where: { messageId: previous.id }, orderBy: { id: 'asc' } })).map((attachment) => ({
            filename: attachment.filename ?? 'attachment',
            contentType: attachment.contentType,
            sha256: attachment.sha256,
            size: attachment.size,
          }))
        : [];
      const envelope = buildForwardEnvelope({
        account: draft.account,
        interaction: draft.interaction,
        thread: draft.thread,
        to: input.to,
        cc: input.cc ?? [],
        ...draft.composeBody(
          previous && {
            fromName: previous.fromName,
            fromAddress: previous.fromAddress,
            to: jsonAddresses(previous.toAddresses),
            subject: previous.subject ?? '',
            date: previous.receivedAt,
            text: previous.text ?? '',
            html: previous.htmlSanitized,
          },
        ),
        messageIdHeader: draft.messageIdHeader,
        attachments: [...(input.attachments ?? []), ...previousAttachments],
      });
      return draft.write('forward', envelope);
    },
  };
}
