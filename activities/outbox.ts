/**
 * Composing and recording outbound emails: agents' replies and forwards, and the action plan's autoreplies. Each
 * writes its outbox row (envelope and a fixed Message-ID) before anything is sent, so a retry finds the same row and
 * the SMTP activity sends it at most once.
 */
import { createHash } from 'node:crypto';
import { AUTOREPLY_HEADERS, autoreplyCc, autoreplyModeBlock, type AutoreplyMode } from '../domain/autoreply';
import { storedLoopReason } from '../domain/loop-detection';
import type { ForwardRequest, OutboundRequest, ReplyRequest } from '../domain/email';
import {
  buildForwardEnvelope,
  buildReplyEnvelope,
  composeAgentBody,
  interactionReplyRecipients,
  logoAttachment,
  type BodyTemplate,
  type OutboundEnvelope,
  type QuotedMessage,
} from '../domain/outbound';
import { renderTemplate } from '../domain/templates';
import { sanitizeEmailHtml } from '../platform/sanitize';
import type { RoutingEvents } from '../services/routing-events';
import type { Store } from '../store';
import { jsonAddresses } from './addresses';
import { found, notFound } from './failures';

export interface OutboxActivityDeps {
  store: Pick<Store, 'outbox'>;
  routingEvents: RoutingEvents;
}

/** An outbox row as the workflow knows it. */
interface OutboundRow {
  outboundId: number;
  messageIdHeader: string;
}

/** Our Message-IDs are deterministic: the same outbound request always carries the same one. */
export function outboundMessageId(input: { accountEmail: string; interactionId: number; requestId: string }): string {
  const domain = input.accountEmail.split('@')[1] ?? 'mailroute.invalid';
  const digest = createHash('sha256').update(`${input.interactionId}:${input.requestId}`).digest('hex').slice(0, 24);
  return `<mailroute.${input.interactionId}.${digest}@${domain}>`;
}

export function createOutboxActivities({ store, routingEvents }: OutboxActivityDeps) {
  const { outbox } = store;

  /**
   * What every agent-written outbound email starts from: the interaction, its account and thread, the agent,
   * the canned answer (global or the account's), the deterministic Message-ID, and how to write the row.
   * When a row for this request exists already, that row (the request was retried).
   */
  async function outboundDraft(input: { interactionId: number } & OutboundRequest) {
    const interaction = found(await outbox.interactionWithThread(input.interactionId), `interaction ${input.interactionId}`);
    const { account } = interaction;
    const messageIdHeader = outboundMessageId({
      accountEmail: account.emailAddress,
      interactionId: interaction.id,
      requestId: input.requestId,
    });
    const existing = await outbox.findByMessageId(messageIdHeader);
    if (existing) return { existing: { outboundId: existing.id, messageIdHeader } as OutboundRow } as const;

    const agent = await outbox.findAgent(input.agentId);
    const canned = input.cannedAnswerId === undefined ? null : await outbox.findCannedAnswer(input.cannedAnswerId, account.id);
    if (input.cannedAnswerId !== undefined && !canned) throw notFound(`canned answer ${input.cannedAnswerId} of account ${account.key}`);
    const previousMessage =
      [...interaction.messages].reverse().find((message) => message.direction === 'inbound') ?? interaction.messages.at(-1) ?? null;
    const variables = {
      customer: { name: interaction.customerName ?? '', email: interaction.customerEmail },
      agent: { name: agent?.name ?? '', email: agent?.email ?? '', signature: agent?.signature ?? '' },
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
      /** The account's logo, an inline part of the email when the template has one. */
      logo: logoAttachment((account.bodyTemplate ?? null) as BodyTemplate | null),
      async write(kind: 'reply' | 'forward', envelope: OutboundEnvelope): Promise<OutboundRow> {
        const row = await outbox.write({
          interactionId: interaction.id,
          accountId: account.id,
          kind,
          authorId: input.agentId,
          messageIdHeader,
          envelope,
        });
        return { outboundId: row.id, messageIdHeader };
      },
    };
  }

  const activities = {
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
      const interaction = found(await outbox.interactionWithThread(input.interactionId), `interaction ${input.interactionId}`);
      const message = found(
        interaction.messages.find((entry) => entry.id === input.messageId),
        `message ${input.messageId}`,
      );
      const { account } = interaction;
      const messageIdHeader = outboundMessageId({
        accountEmail: account.emailAddress,
        interactionId: interaction.id,
        requestId: `autoreply-${input.messageId}-${input.step}`,
      });
      const existing = await outbox.findByMessageId(messageIdHeader);
      if (existing) return { outboundId: existing.id, skipped: null };

      const sender = message.fromAddress ?? '';
      const skipped =
        storedLoopReason({
          loopTags: message.loopTags,
          headers: (message.headers ?? {}) as Record<string, unknown>,
          fromAddress: message.fromAddress,
          accountAddress: account.emailAddress,
        }) ??
        autoreplyModeBlock(input.mode, {
          earlierAutorepliesToSender: await outbox.countAutorepliesTo(account.id, sender),
          earlierInboundOnInteraction: interaction.messages.filter((entry) => entry.direction === 'inbound' && entry.id < message.id)
            .length,
        });
      if (skipped !== null) {
        await routingEvents.record({ ...input, type: 'autoreply-skipped', detail: { step: input.step, reason: skipped } });
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
      const row = await outbox.write({
        interactionId: interaction.id,
        accountId: account.id,
        kind: 'autoreply',
        messageIdHeader,
        envelope,
      });
      await routingEvents.record({ ...input, type: 'autoreply-queued', detail: { step: input.step, outboundId: row.id } });
      return { outboundId: row.id, skipped: null };
    },

    /**
     * Writes the outbox row for a reply before anything is sent; the same request id gives the same row. To the
     * customer (reply all: with the others they wrote to in Cc), unless the agent edited the recipients.
     */
    async createOutboundReply(input: { interactionId: number } & ReplyRequest): Promise<OutboundRow> {
      const draft = await outboundDraft(input);
      if (draft.existing) return draft.existing;
      const defaults = interactionReplyRecipients(draft.interaction, input.replyAll ?? false);
      const envelope = buildReplyEnvelope({
        recipients: { to: input.to ?? defaults.to, cc: input.cc ?? defaults.cc, bcc: input.bcc ?? [] },
        account: draft.account,
        interaction: draft.interaction,
        thread: draft.thread,
        agentName: draft.agentName,
        ...draft.composeBody(null),
        messageIdHeader: draft.messageIdHeader,
        attachments: [...(input.attachments ?? []), ...(draft.logo ? [draft.logo] : [])],
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
        ? (await outbox.attachmentsOf(previous.id)).map((attachment) => ({
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
        bcc: input.bcc ?? [],
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
        attachments: [...(input.attachments ?? []), ...previousAttachments, ...(draft.logo ? [draft.logo] : [])],
      });
      return draft.write('forward', envelope);
    },

    /** The first email of an interaction an agent started: their request, kept with the start, as a reply's row. */
    async createFirstEmail(input: { interactionId: number }): Promise<OutboundRow> {
      const email = found(await outbox.firstEmail(input.interactionId), `first email of interaction ${input.interactionId}`);
      return activities.createOutboundReply({ interactionId: input.interactionId, ...email });
    },
  };
  return activities;
}
