/**
 * What the desk routes answer: pending offers, an interaction with its thread, the interactions list and the
 * realtime view. They document /openapi.json, and their inferred types are what the web client reads (it imports
 * them as types only, so this module depends on zod and domain/ alone).
 */
import { z } from 'zod';
import { deskNotificationSchema } from '../../domain/notifications';
import { PRESENCES } from '../../domain/people';

/** Dates travel as ISO 8601 strings. */
const instant = z.iso.datetime();
const id = z.number().int();

export const pendingOfferSchema = z
  .object({
    id,
    interactionId: id,
    accountKey: z.string(),
    accountName: z.string(),
    subject: z.string(),
    customerEmail: z.string(),
    customerName: z.string().nullable(),
    preview: z.string().meta({ description: "the start of the customer's newest message, on one line (at most 200 characters)" }),
    waitingSince: instant.meta({
      description: "when the customer's newest message arrived (the interaction's last message when it has none)",
    }),
    source: z.string().meta({ description: 'what the offer came from: assigned-agent, assigned-queue, queue-step, agent-step, transfer' }),
    expiresAt: instant,
    notification: deskNotificationSchema,
  })
  .meta({ id: 'PendingOffer' });

export const offerAnswerResultSchema = z.object({
  offerId: id,
  interactionId: id.optional().meta({ description: 'on accept: the interaction you now hold' }),
  state: z.enum(['accepted', 'rejected']),
});

const interactionFields = {
  id,
  accountId: id,
  subject: z.string(),
  customerEmail: z.string(),
  customerName: z.string().nullable(),
  contactId: id.nullable(),
  status: z.enum(['open', 'closed']),
  read: z.boolean(),
  agentId: id.nullable(),
  queueId: id.nullable(),
  priority: z.number().int(),
  tags: z.array(z.string()),
  dispositionId: id.nullable(),
  routingState: z.string().meta({ description: 'where routing is: new, offered, waiting-for-agents, accepted, disposing, closed…' }),
  routingWorkflowId: z.string().nullable(),
  routingVersion: z.number().int().meta({ description: 'how its routing decides offers: 1 the workflow, 2 placement in the database' }),
  closedAt: instant.nullable(),
  lastMessageAt: instant,
  createdAt: instant,
  updatedAt: instant,
};

export const interactionSearchItemSchema = z
  .object({ ...interactionFields, accountKey: z.string(), agentName: z.string().nullable() })
  .meta({ id: 'InteractionSearchItem' });

export const interactionSearchAnswerSchema = z
  .object({ items: z.array(interactionSearchItemSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'InteractionSearchPage' });

const addressSchema = z.object({ name: z.string().optional(), address: z.string() });

export const messageAttachmentSchema = z
  .object({
    id,
    messageId: id,
    filename: z.string().nullable(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    contentId: z.string().nullable(),
    inline: z.boolean(),
  })
  .meta({ id: 'MessageAttachment' });

export const threadMessageSchema = z
  .object({
    id,
    interactionId: id,
    accountId: id,
    direction: z.enum(['inbound', 'outbound', 'note']),
    mailbox: z.string().nullable(),
    messageIdHeader: z.string().nullable(),
    inReplyTo: z.string().nullable(),
    references: z.array(z.string()),
    fromAddress: z.string().nullable(),
    fromName: z.string().nullable(),
    toAddresses: z.array(addressSchema),
    ccAddresses: z.array(addressSchema),
    bccAddresses: z.array(addressSchema).meta({ description: 'of an email an agent sent: delivered to these, never named in it' }),
    headers: z.record(z.string(), z.string()).meta({ description: 'header lines (lower-cased names) routing conditions may test' }),
    subject: z.string(),
    text: z.string().nullable(),
    rawSha256: z.string().nullable(),
    sizeBytes: z.number().int(),
    authorId: id.nullable(),
    workflowId: z.string().nullable(),
    receivedAt: instant,
    noticedAt: instant.nullable().meta({ description: 'of an inbound message: when the mailbox watch learned of it' }),
    createdAt: instant,
    htmlSanitized: z
      .string()
      .nullable()
      .meta({ description: 'the HTML body made safe to display (the HTML as received is only in the .eml download)' }),
    loopTags: z.array(z.string()),
    redownloadOfId: id.nullable(),
    redownloadModseq: z.string().nullable().meta({ description: 'of a copy downloaded again: the MODSEQ of its unread state' }),
    attachments: z.array(messageAttachmentSchema),
    uidValidity: z.string().nullable().meta({ description: 'of an inbound message: where it was read from (with mailbox and uid)' }),
    uid: z.string().nullable(),
  })
  .meta({ id: 'ThreadMessage' });

export const routingEventSchema = z
  .object({
    id,
    interactionId: id,
    messageId: id.nullable(),
    workflowId: z.string().nullable(),
    type: z.string(),
    detail: z.record(z.string(), z.unknown()),
    createdAt: instant,
  })
  .meta({ id: 'RoutingEvent' });

export const uncertainSendSchema = z
  .object({
    outboundId: id,
    kind: z.enum(['reply', 'forward', 'autoreply', 'transfer', 'escalation']),
    authorId: id.nullable(),
    subject: z.string(),
    to: z.array(addressSchema),
    reason: z.string().nullable(),
    createdAt: instant,
  })
  .meta({
    id: 'UncertainSend',
    description:
      'an email whose delivery is unknown (the SMTP server had it when its worker died): looked for in the Sent folder, else settled by the holder or a supervisor',
  });

export const interactionDetailSchema = z
  .object({
    ...interactionFields,
    workflowUrl: z.string().nullable().meta({ description: "the current routing workflow in Temporal's Web UI, when configured" }),
    messages: z.array(threadMessageSchema),
    events: z.array(routingEventSchema),
    uncertainSends: z.array(uncertainSendSchema),
  })
  .meta({ id: 'InteractionDetail' });

export const customerContextSchema = z
  .object({
    name: z.string().nullable(),
    email: z.string(),
    contact: z
      .object({ id, listId: id, listName: z.string(), name: z.string().nullable() })
      .nullable()
      .meta({ description: 'the contact the interaction is linked to, when its account saves senders' }),
    interactions: z
      .array(
        z.object({
          id,
          accountId: id,
          accountKey: z.string(),
          accountName: z.string(),
          subject: z.string(),
          status: z.enum(['open', 'closed']),
          routingState: z.string(),
          agentId: id.nullable().meta({ description: 'who holds it: your own open ones open on your desk' }),
          agentName: z.string().nullable(),
          lastMessageAt: instant,
          createdAt: instant,
        }),
      )
      .meta({ description: "the customer's other interactions (same address) in accounts you may see, newest first (at most 20)" }),
  })
  .meta({ id: 'CustomerContext' });

const realtimeCounts = {
  waiting: z.number().int(),
  unassigned: z.number().int().meta({ description: 'routing found nobody: waiting for an agent to pick it up or a supervisor' }),
  offered: z.number().int().meta({ description: 'interactions with at least one offer pending' }),
  inProgress: z.number().int(),
  longestWaitSeconds: z
    .number()
    .int()
    .meta({ description: 'since the last customer message of the longest-waiting interaction not yet taken' }),
};

export const realtimeSchema = z
  .object({
    accountId: id,
    ...realtimeCounts,
    queues: z.array(z.object({ id: id.nullable().meta({ description: 'null: not in a queue' }), ...realtimeCounts })),
    agents: z
      .array(
        z.object({
          id,
          name: z.string(),
          presence: z.enum(PRESENCES),
          pauseStatusId: id.nullable(),
          pauseReason: z.string().nullable().meta({ description: "the pause status's name, while paused with one" }),
          presenceSince: instant.meta({ description: 'since when the agent is in this presence (and pause status)' }),
          offers: z.number().int().meta({ description: 'offers pending to the agent' }),
          held: z.number().int().meta({ description: 'interactions the agent holds (accepted or disposing)' }),
        }),
      )
      .meta({
        description: "the account's agents (added to it or members of its queues) and anyone holding or offered one of its interactions",
      }),
  })
  .meta({ id: 'RealtimeAccountView' });

export type PendingOffer = z.infer<typeof pendingOfferSchema>;
export type OfferAnswerResult = z.infer<typeof offerAnswerResultSchema>;
export type InteractionSearchItem = z.infer<typeof interactionSearchItemSchema>;
export type InteractionSearchAnswer = z.infer<typeof interactionSearchAnswerSchema>;
export type MessageAttachment = z.infer<typeof messageAttachmentSchema>;
export type ThreadMessage = z.infer<typeof threadMessageSchema>;
export type RoutingEventAnswer = z.infer<typeof routingEventSchema>;
export type InteractionDetail = z.infer<typeof interactionDetailSchema>;
export type RealtimeAccountView = z.infer<typeof realtimeSchema>;
export type CustomerContext = z.infer<typeof customerContextSchema>;
