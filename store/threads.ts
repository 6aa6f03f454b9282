/**
 * One interaction's thread as the desk reads it: messages (with attachments) and routing events, an attachment's
 * bytes, the messages of a zip download, internal notes, the routing workflows it went through, and what its
 * account's assistant draws suggestions from.
 */
import { readBlob } from './blobs';
import type { Database } from './db';

/** How many past replies and canned answers the assistant weighs (the newest ones). */
const SUGGESTION_SOURCES = { pastReplies: 500, cannedAnswers: 1000 };

export function createThreadStore(db: Database) {
  return {
    async messagesAndEvents(interactionId: number) {
      const [messages, events, uncertainSends] = await Promise.all([
        // The HTML as received (scripts and all) never leaves the server: readers get the sanitized copy; the raw
        // source stays in the .eml download.
        db.message.findMany({
          where: { interactionId },
          orderBy: { id: 'asc' },
          omit: { html: true, contentSha256: true },
          include: { attachments: true },
        }),
        db.routingEvent.findMany({ where: { interactionId }, orderBy: { id: 'asc' }, omit: { onceKey: true } }),
        // Emails whose delivery is unknown and no one has settled: the desk asks the holder to.
        db.outboundEmail.findMany({
          where: { interactionId, status: 'uncertain', resolution: null },
          orderBy: { id: 'asc' },
          select: { id: true, kind: true, authorId: true, envelope: true, error: true, createdAt: true },
        }),
      ]);
      return { messages, events, uncertainSends };
    },

    /** One attachment of the interaction's messages with its bytes; null when either is gone. */
    async attachment(interactionId: number, attachmentId: number) {
      const attachment = await db.attachment.findFirst({ where: { id: attachmentId, message: { interactionId } } });
      const content = attachment ? await readBlob(db, attachment.sha256) : null;
      return attachment && content ? { ...attachment, content } : null;
    },

    /** The emails of the thread (notes left out) in order, with their attachments' metadata. */
    emails(interactionId: number) {
      return db.message.findMany({
        where: { interactionId, direction: { not: 'note' } },
        orderBy: { id: 'asc' },
        include: { attachments: true },
      });
    },

    /** An internal note on the interaction: a message of its account that is never sent. */
    async addNote(input: { interactionId: number; authorId: number; text: string }) {
      const { accountId } = await db.interaction.findUniqueOrThrow({ where: { id: input.interactionId }, select: { accountId: true } });
      return db.message.create({
        data: { interactionId: input.interactionId, accountId, direction: 'note', text: input.text, authorId: input.authorId, subject: '' },
      });
    },

    /** The routing workflows named by the interaction's events, with their first and last event, and its current one. */
    async workflowRuns(interactionId: number) {
      const [interaction, runs] = await Promise.all([
        db.interaction.findUniqueOrThrow({ where: { id: interactionId }, select: { routingWorkflowId: true } }),
        db.routingEvent.groupBy({
          by: ['workflowId'],
          where: { interactionId, workflowId: { not: null } },
          _min: { createdAt: true },
          _max: { createdAt: true },
        }),
      ]);
      return {
        currentWorkflowId: interaction.routingWorkflowId,
        runs: runs.map((run) => ({ workflowId: run.workflowId!, firstEventAt: run._min.createdAt, lastEventAt: run._max.createdAt })),
      };
    },

    /**
     * What the account's assistant works from: the interaction (and its account's assistant), its latest customer
     * message, the canned answers the account may use and the account's recent replies on other interactions.
     */
    async suggestionSources(interactionId: number) {
      const interaction = await db.interaction.findUniqueOrThrow({ where: { id: interactionId }, include: { account: true } });
      const latest = await db.message.findFirst({ where: { interactionId, direction: 'inbound' }, orderBy: { id: 'desc' } });
      const [cannedAnswers, pastReplies] = await Promise.all([
        db.cannedAnswer.findMany({
          where: { OR: [{ accountId: null }, { accountId: interaction.accountId }] },
          take: SUGGESTION_SOURCES.cannedAnswers,
        }),
        db.message.findMany({
          where: { accountId: interaction.accountId, direction: 'outbound', interactionId: { not: interactionId } },
          orderBy: { id: 'desc' },
          take: SUGGESTION_SOURCES.pastReplies,
        }),
      ]);
      return { assistant: interaction.account.assistant, subject: interaction.subject, latest, cannedAnswers, pastReplies };
    },
  };
}

export type ThreadStore = ReturnType<typeof createThreadStore>;
