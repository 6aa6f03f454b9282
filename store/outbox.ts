/**
 * The outbox: one row per outbound email (reply, forward, autoreply), written with its fixed Message-ID before
 * anything is sent, then carried through sending (queued, sending, DATA started, sent, failed, uncertain) and the
 * copy in the Sent folder. What an email says is composed elsewhere; this is what it is written from and into.
 */
import type { ReplyRequest } from '../domain/email';
import type { OutboundEnvelope } from '../domain/outbound';
import { Prisma, type Database } from './db';

export type OutboundKind = 'reply' | 'forward' | 'autoreply' | 'escalation';

export function createOutboxStore(db: Database) {
  return {
    find(outboundId: number) {
      return db.outboundEmail.findUnique({ where: { id: outboundId } });
    },

    findByMessageId(messageIdHeader: string) {
      return db.outboundEmail.findUnique({ where: { messageIdHeader } });
    },

    /** Writes the row once: a second write under the same Message-ID finds the first. */
    async write(row: {
      interactionId: number;
      accountId: number;
      kind: OutboundKind;
      authorId?: number;
      messageIdHeader: string;
      envelope: OutboundEnvelope;
    }): Promise<{ id: number }> {
      const { envelope, ...fields } = row;
      return db.outboundEmail.upsert({
        where: { messageIdHeader: row.messageIdHeader },
        create: { ...fields, envelope: envelope as object },
        update: {},
      });
    },

    /**
     * An interaction an agent starts by writing to a customer: theirs from the start (held, read), owned by the run
     * named here, with an `outbound-started` event naming the agent's request, in one transaction. The customer is
     * linked to the account's contact list like a customer who wrote in.
     */
    async createOutboundInteraction(input: {
      account: { id: number; contactListId: number | null };
      agentId: number;
      customer: { address: string; name: string | null };
      subject: string;
      requestId: string;
      /** The first email itself, kept with the start so the run sends it whatever happens to the request. */
      email: ReplyRequest;
      workflowIdFor: (interactionId: number) => string;
    }): Promise<{ interactionId: number; workflowId: string }> {
      const { account, customer } = input;
      return db.$transaction(async (tx) => {
        const contact =
          account.contactListId === null
            ? null
            : await tx.contact.upsert({
                where: { listId_email: { listId: account.contactListId, email: customer.address } },
                create: { listId: account.contactListId, email: customer.address, name: customer.name },
                update: {},
              });
        const created = await tx.interaction.create({
          data: {
            accountId: account.id,
            subject: input.subject,
            customerEmail: customer.address,
            customerName: customer.name,
            contactId: contact?.id ?? null,
            agentId: input.agentId,
            read: true,
            routingState: 'accepted',
            routingVersion: 2,
          },
        });
        const workflowId = input.workflowIdFor(created.id);
        await tx.interaction.update({ where: { id: created.id }, data: { routingWorkflowId: workflowId } });
        await tx.routingEvent.create({
          data: {
            interactionId: created.id,
            workflowId,
            type: 'outbound-started',
            detail: { agentId: input.agentId, requestId: input.requestId, email: input.email as unknown as Prisma.InputJsonValue },
          },
        });
        return { interactionId: created.id, workflowId };
      });
    },

    /** The first email of an interaction an agent started, as their request gave it. */
    async firstEmail(interactionId: number): Promise<ReplyRequest | null> {
      const event = await db.routingEvent.findFirst({ where: { interactionId, type: 'outbound-started' }, select: { detail: true } });
      return ((event?.detail as { email?: ReplyRequest } | undefined)?.email ?? null) as ReplyRequest | null;
    },

    /** Where the first email of an interaction an agent started stands (null: not written yet). */
    firstEmailStatus(interactionId: number) {
      return db.outboundEmail.findFirst({
        where: { interactionId, kind: 'reply' },
        orderBy: { id: 'asc' },
        select: { id: true, status: true, messageIdHeader: true, error: true },
      });
    },

    /** The interaction an agent's earlier request (same request id) started, so a retried request sends nothing new. */
    async findOutboundStarted(agentId: number, requestId: string): Promise<{ interactionId: number; workflowId: string } | null> {
      const event = await db.routingEvent.findFirst({
        where: {
          type: 'outbound-started',
          AND: [{ detail: { path: ['agentId'], equals: agentId } }, { detail: { path: ['requestId'], equals: requestId } }],
        },
        select: { interactionId: true, workflowId: true },
      });
      return event?.workflowId ? { interactionId: event.interactionId, workflowId: event.workflowId } : null;
    },

    /** The interaction an email answers, with its account and its thread (oldest first). */
    interactionWithThread(interactionId: number) {
      return db.interaction.findUnique({ where: { id: interactionId }, include: { account: true, messages: { orderBy: { id: 'asc' } } } });
    },

    findAgent(agentId: number) {
      return db.user.findUnique({ where: { id: agentId } });
    },

    /** A canned answer the account may use: a global one or its own. */
    findCannedAnswer(id: number, accountId: number) {
      return db.cannedAnswer.findFirst({ where: { id, OR: [{ accountId: null }, { accountId }] } });
    },

    /** Autoreplies the account already sent to this address (any letter case). */
    countAutorepliesTo(accountId: number, address: string): Promise<number> {
      return db.outboundEmail.count({
        where: { accountId, kind: 'autoreply', interaction: { customerEmail: { equals: address, mode: 'insensitive' } } },
      });
    },

    /** A message's attachments, in order. */
    attachmentsOf(messageId: number) {
      return db.attachment.findMany({ where: { messageId }, orderBy: { id: 'asc' } });
    },

    /** The account an email goes out from. */
    account(accountId: number) {
      return db.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
    },

    async markUncertain(outboundId: number, error: string): Promise<void> {
      await db.outboundEmail.update({ where: { id: outboundId }, data: { status: 'uncertain', error } });
    },

    async markFailed(outboundId: number, error: string): Promise<void> {
      await db.outboundEmail.update({ where: { id: outboundId }, data: { status: 'failed', error } });
    },

    async markSending(outboundId: number): Promise<void> {
      await db.outboundEmail.update({ where: { id: outboundId }, data: { status: 'sending', attempts: { increment: 1 } } });
    },

    /** Committed just before DATA: from here on, an attempt that dies leaves the outcome unknown. */
    async markDataStarted(outboundId: number): Promise<void> {
      await db.outboundEmail.update({ where: { id: outboundId }, data: { dataStartedAt: new Date() } });
    },

    /** The server refused the message: failed for good, or queued again for a temporary refusal. */
    async markRefused(outboundId: number, permanent: boolean, error: string): Promise<void> {
      await db.outboundEmail.update({
        where: { id: outboundId },
        data: { dataStartedAt: null, status: permanent ? 'failed' : 'queued', error },
      });
    },

    /**
     * The server took the message: the sent copy joins the thread and the row is sent, in one transaction. An
     * uncertain row settled as sent (found in the Sent folder, or marked sent by a person) says so in `settled`.
     */
    async recordSent(input: {
      outbound: { id: number; interactionId: number; accountId: number; authorId: number | null };
      envelope: OutboundEnvelope;
      rawSha256: string;
      sizeBytes: number;
      sentAt: Date;
      smtpResponse: string;
      /** An uncertain row settled as sent; found in the Sent folder, the folder that holds the copy. */
      settled?: { resolution: 'found-in-sent-folder' | 'marked-sent'; resolvedById: number | null; sentFolder?: string };
    }): Promise<void> {
      const { outbound, envelope } = input;
      await db.$transaction(async (tx) => {
        const sent = await tx.message.create({
          data: {
            interactionId: outbound.interactionId,
            accountId: outbound.accountId,
            direction: 'outbound',
            messageIdHeader: envelope.messageId,
            inReplyTo: envelope.inReplyTo ?? null,
            references: envelope.references,
            fromAddress: envelope.from.address,
            fromName: envelope.from.name,
            toAddresses: envelope.to as object,
            ccAddresses: envelope.cc as object,
            bccAddresses: (envelope.bcc ?? []) as object,
            subject: envelope.subject,
            text: envelope.text,
            html: envelope.html ?? null,
            rawSha256: input.rawSha256,
            sizeBytes: input.sizeBytes,
            authorId: outbound.authorId,
            receivedAt: input.sentAt,
            // The files the email carried (stored content-addressed when the request came in, or the customer's on a
            // forward), so the thread lists and serves them like a customer's.
            attachments: {
              create: (envelope.attachments ?? []).map(({ filename, contentType, size, sha256, cid }) => ({
                filename,
                contentType,
                size,
                sha256,
                contentId: cid ?? null,
              })),
            },
          },
        });
        await tx.outboundEmail.update({
          where: { id: outbound.id },
          data: {
            status: 'sent',
            sentAt: input.sentAt,
            smtpResponse: input.smtpResponse,
            sentMessageId: sent.id,
            error: null,
            ...(input.settled ? { ...input.settled, resolvedAt: new Date() } : {}),
            ...(input.settled?.sentFolder ? { sentFolderAt: new Date() } : {}),
          },
        });
      });
    },

    /** An uncertain email discarded by a person: it stays uncertain (it may have arrived), settled. */
    async discardUncertain(outboundId: number, resolvedById: number): Promise<void> {
      await db.outboundEmail.update({
        where: { id: outboundId },
        data: { resolution: 'discarded', resolvedById, resolvedAt: new Date() },
      });
    },

    /** An uncertain email resent as a new one (its own Message-ID), in one transaction; a second call finds the first. */
    async resendUncertain(
      outboundId: number,
      resolvedById: number,
      resend: { messageIdHeader: string; envelope: OutboundEnvelope },
    ): Promise<{ id: number }> {
      return db.$transaction(async (tx) => {
        const original = await tx.outboundEmail.findUniqueOrThrow({ where: { id: outboundId } });
        const row = await tx.outboundEmail.upsert({
          where: { messageIdHeader: resend.messageIdHeader },
          create: {
            interactionId: original.interactionId,
            accountId: original.accountId,
            kind: original.kind,
            authorId: original.authorId,
            messageIdHeader: resend.messageIdHeader,
            envelope: resend.envelope as object,
          },
          update: {},
        });
        await tx.outboundEmail.update({
          where: { id: outboundId },
          data: { resolution: 'resent', resolvedById, resolvedAt: new Date(), resentAsId: row.id },
        });
        return { id: row.id };
      });
    },

    /** The raw source of the message a sent row became (null when it has none). */
    async sentRawSha256(sentMessageId: number | null): Promise<string | null> {
      if (sentMessageId === null) return null;
      const sent = await db.message.findUnique({ where: { id: sentMessageId } });
      return sent?.rawSha256 ?? null;
    },

    async markCopiedToSentFolder(outboundId: number, folder: string): Promise<void> {
      await db.outboundEmail.update({ where: { id: outboundId }, data: { sentFolder: folder, sentFolderAt: new Date() } });
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
