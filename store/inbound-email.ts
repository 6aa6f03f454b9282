/**
 * Inbound emails as rows: the message (idempotent on its mailbox identity), its attachments, the interaction it
 * threads into (or a new one) and the customer's contact, written in one transaction; quarantined emails; the
 * routing workflow a message started. What to write is decided by the ingest use case (services/ingest-email.ts).
 */
import { storeBlob } from './blobs';
import type { Database } from './db';

/** Where an email lives on the server: unique per account. */
export interface MailboxIdentity {
  accountId: number;
  mailbox: string;
  uidValidity: bigint;
  uid: bigint;
}

/** "Disable duplicate check": the email at an identity was re-marked unread; stored again, once per unread episode. */
export interface Redownload {
  originalMessageId: number;
  /** The message's MODSEQ in the unread state it is downloaded in. */
  modseq: bigint;
}

/** Where a new email may belong: an interaction named by the email, else the newest one holding a message it answers. */
export interface ThreadHints {
  interactionId: number | null;
  messageIds: string[];
}

export interface StoredAttachment {
  sha256: string;
  filename: string | null;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
}

export interface NewInboundEmail {
  identity: MailboxIdentity;
  redownload?: Redownload;
  /** The routing workflow the message gets (its id follows from the identity), written with the row. */
  workflowId: string | null;
  account: { id: number; contactListId: number | null };
  /** Null: the email starts a new interaction whatever it refers to. */
  thread: ThreadHints | null;
  /** A bounce of an email mailroute sent: a `bounced` routing event is written with the message. */
  bounceOf?: { outboundId: number; kind: string; messageIdHeader: string };
  customer: { address: string; name: string | null };
  subject: string;
  message: {
    messageIdHeader: string | null;
    inReplyTo: string | null;
    references: string[];
    toAddresses: object;
    ccAddresses: object;
    headers: Record<string, string>;
    text: string | null;
    html: string | null;
    htmlSanitized: string | null;
    loopTags: string[];
    rawSha256: string;
    contentSha256: string;
    sizeBytes: number;
    /** The email's Date header when it has a valid one; otherwise the time it is stored. */
    sentAt: Date | null;
    /** When the mailbox watch learned of the email. */
    noticedAt: Date | null;
    attachments: StoredAttachment[];
  };
}

export interface StoredMessage {
  messageId: number;
  interactionId: number;
  workflowId: string | null;
}

export function createInboundEmailStore(db: Database) {
  const stored = (message: { id: number; interactionId: number; workflowId: string | null } | null): StoredMessage | null =>
    message && { messageId: message.id, interactionId: message.interactionId, workflowId: message.workflowId };

  return {
    /** The message stored from this identity, or from this re-download episode of it. */
    async findStored(identity: MailboxIdentity, redownload?: Redownload): Promise<StoredMessage | null> {
      return stored(
        redownload
          ? await db.message.findUnique({
              where: {
                redownloadOfId_redownloadModseq: { redownloadOfId: redownload.originalMessageId, redownloadModseq: redownload.modseq },
              },
            })
          : await db.message.findUnique({ where: { accountId_mailbox_uidValidity_uid: identity } }),
      );
    },

    /** The account as ingestion needs it; throws when it is gone. */
    account(accountId: number) {
      return db.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
    },

    findAccount(accountId: number): Promise<{ id: number; key: string } | null> {
      return db.emailAccount.findUnique({ where: { id: accountId }, select: { id: true, key: true } });
    },

    /**
     * The inbound message of the account that is this email again: the same Message-ID (or both without one) and the
     * same content (rows stored before the content digest existed compare their raw bytes).
     */
    async findSameEmail(where: {
      accountId: number;
      messageIdHeader: string | null;
      rawSha256: string;
      contentSha256: string;
    }): Promise<number | null> {
      const message = await db.message.findFirst({
        where: {
          accountId: where.accountId,
          messageIdHeader: where.messageIdHeader,
          direction: 'inbound',
          OR: [{ contentSha256: where.contentSha256 }, { contentSha256: null, rawSha256: where.rawSha256 }],
        },
        select: { id: true },
      });
      return message?.id ?? null;
    },

    /**
     * An email the watcher took but did not store leaves a visible mailbox event with the reason (once per mailbox
     * identity, however often the email is taken again).
     */
    async recordSkipped(
      identity: MailboxIdentity,
      detail: { reason: string; messageIdHeader: string | null; duplicateOfMessageId: number },
    ) {
      const ref = { accountId: identity.accountId, mailbox: identity.mailbox };
      const uid = { uidValidity: String(identity.uidValidity), uid: String(identity.uid) };
      const recorded = await db.mailboxEvent.findFirst({
        where: {
          ...ref,
          type: 'email-skipped',
          AND: [{ detail: { path: ['uid'], equals: uid.uid } }, { detail: { path: ['uidValidity'], equals: uid.uidValidity } }],
        },
        select: { id: true },
      });
      if (!recorded) await db.mailboxEvent.create({ data: { ...ref, type: 'email-skipped', detail: { ...uid, ...detail } } });
    },

    /** Whether mailroute itself sent an email with this Message-ID. */
    async isOwnMessageId(messageIdHeader: string): Promise<boolean> {
      return (await db.outboundEmail.findUnique({ where: { messageIdHeader } })) !== null;
    },

    /** The outbox row mailroute sent with this Message-ID (a bounce names it), and its interaction. */
    ownOutbound(messageIdHeader: string): Promise<{ id: number; accountId: number; interactionId: number; kind: string } | null> {
      return db.outboundEmail.findUnique({
        where: { messageIdHeader },
        select: { id: true, accountId: true, interactionId: true, kind: true },
      });
    },

    storeBlob: (data: Buffer) => storeBlob(db, data),

    /** Writes the message and threads it, in one transaction. */
    create(email: NewInboundEmail): Promise<{ messageId: number; interactionId: number }> {
      const { identity, redownload, account, thread, customer, message } = email;
      return db.$transaction(async (tx) => {
        const threaded = !thread
          ? null
          : ((thread.interactionId !== null
              ? await tx.interaction.findFirst({ where: { id: thread.interactionId, accountId: account.id } })
              : null) ??
            (thread.messageIds.length > 0
              ? ((
                  await tx.message.findFirst({
                    where: { accountId: account.id, messageIdHeader: { in: thread.messageIds } },
                    orderBy: { id: 'desc' },
                    select: { interaction: true },
                  })
                )?.interaction ?? null)
              : null));

        let contactId: number | null = null;
        if (account.contactListId !== null) {
          const contact = await tx.contact.upsert({
            where: { listId_email: { listId: account.contactListId, email: customer.address } },
            create: { listId: account.contactListId, email: customer.address, name: customer.name },
            update: {},
          });
          contactId = contact.id;
        }

        const receivedAt = new Date();
        const interaction =
          threaded ??
          (await tx.interaction.create({
            data: {
              accountId: account.id,
              subject: email.subject,
              customerEmail: customer.address,
              customerName: customer.name,
              contactId,
              lastMessageAt: receivedAt,
            },
          }));
        if (threaded) {
          await tx.interaction.update({ where: { id: threaded.id }, data: { read: false, lastMessageAt: receivedAt } });
        }
        const { sentAt, attachments, ...fields } = message;
        const created = await tx.message.create({
          data: {
            ...fields,
            interactionId: interaction.id,
            accountId: account.id,
            direction: 'inbound',
            mailbox: identity.mailbox,
            uidValidity: identity.uidValidity,
            // The copy keeps mailbox and UIDVALIDITY; the UID stays with the original (unique identity).
            uid: redownload ? null : identity.uid,
            redownloadOfId: redownload?.originalMessageId ?? null,
            redownloadModseq: redownload?.modseq ?? null,
            fromAddress: customer.address,
            fromName: customer.name,
            subject: email.subject,
            workflowId: email.workflowId,
            receivedAt: sentAt ?? receivedAt,
            attachments: { create: attachments },
          },
        });
        if (email.bounceOf) {
          await tx.routingEvent.create({
            data: {
              interactionId: interaction.id,
              messageId: created.id,
              workflowId: email.workflowId,
              type: 'bounced',
              detail: { ...email.bounceOf },
            },
          });
        }
        return { messageId: created.id, interactionId: interaction.id };
      });
    },

    /** What the routing workflow's memo shows of a message (for rows written before the memo travelled with them). */
    async routingMemo(messageId: number): Promise<{ from: string; subject: string }> {
      const message = await db.message.findUniqueOrThrow({ where: { id: messageId }, select: { fromAddress: true, subject: true } });
      return { from: message.fromAddress ?? '', subject: message.subject };
    },

    /** Names the routing workflow of a message stored without one (rows written before ids were written with them). */
    async setWorkflowId(messageId: number, workflowId: string): Promise<void> {
      await db.message.updateMany({ where: { id: messageId, workflowId: null }, data: { workflowId } });
    },
  };
}

export type InboundEmailStore = ReturnType<typeof createInboundEmailStore>;
