/**
 * The desk's answer schemas describe what the routes send: every field a presenter writes is declared, and the JSON
 * it becomes parses against the schema (the web client's types are inferred from these schemas).
 */
import { presentPendingOffer, presentSearchItem, presentThread } from '../../api/desk-presenters';
import {
  interactionDetailSchema,
  interactionSearchItemSchema,
  pendingOfferSchema,
  threadMessageSchema,
} from '../../api/schemas/desk-answers';
import type { z } from 'zod';

const at = new Date('2026-11-02T09:30:00.000Z');

const interaction = {
  id: 7,
  accountId: 3,
  subject: 'Where is my order?',
  customerEmail: 'ada@example.com',
  customerName: 'Ada',
  contactId: null,
  status: 'open' as const,
  read: false,
  agentId: 12,
  queueId: 4,
  priority: 0,
  tags: ['vip'],
  dispositionId: null,
  routingState: 'accepted',
  routingWorkflowId: 'route-SUP-uv1-uid9',
  routingVersion: 1,
  closedAt: null,
  lastMessageAt: at,
  createdAt: at,
  updatedAt: at,
};

const message = {
  id: 40,
  interactionId: 7,
  accountId: 3,
  direction: 'inbound' as const,
  mailbox: 'INBOX',
  uidValidity: 1n,
  uid: 9n,
  messageIdHeader: '<a@example.com>',
  inReplyTo: null,
  references: [],
  fromAddress: 'ada@example.com',
  fromName: 'Ada',
  toAddresses: [{ address: 'support@example.com' }],
  ccAddresses: [],
  bccAddresses: [],
  headers: { subject: 'Where is my order?' },
  subject: 'Where is my order?',
  text: 'Hello',
  rawSha256: 'ab'.repeat(32),
  sizeBytes: 120,
  authorId: null,
  workflowId: 'route-SUP-uv1-uid9',
  receivedAt: at,
  noticedAt: at,
  createdAt: at,
  htmlSanitized: null,
  loopTags: [],
  redownloadOfId: null,
  redownloadModseq: null,
  attachments: [
    {
      id: 5,
      messageId: 40,
      filename: 'a.pdf',
      contentType: 'application/pdf',
      size: 3,
      sha256: 'cd'.repeat(32),
      contentId: null,
      inline: false,
    },
  ],
};

const event = {
  id: 90,
  interactionId: 7,
  messageId: 40,
  workflowId: 'route-SUP-uv1-uid9',
  type: 'accepted',
  detail: { agentId: 12 },
  createdAt: at,
};

/** The JSON an answer becomes on the wire. */
const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

function undeclared(answer: Record<string, unknown>, schema: z.ZodObject): string[] {
  return Object.keys(answer).filter((key) => !(key in schema.shape));
}

test('an interaction with its thread: every field is declared, and it parses as InteractionDetail', () => {
  const answer = wire(
    presentThread(interaction, 'http://ui/namespaces/default/workflows/x', {
      messages: [message],
      events: [event],
      uncertainSends: [
        {
          id: 7,
          kind: 'reply' as const,
          authorId: 3,
          envelope: { subject: 'Re: order', to: [{ name: 'Ann', address: 'ann@example.com' }] },
          error: 'an earlier attempt reached the DATA phase and its outcome is unknown; not sent again',
          createdAt: new Date('2026-11-29T10:00:00Z'),
        },
      ],
    }),
  );
  expect(undeclared(answer, interactionDetailSchema)).toEqual([]);
  expect(undeclared((answer.messages as Record<string, unknown>[])[0]!, threadMessageSchema)).toEqual([]);
  expect(() => interactionDetailSchema.parse(answer)).not.toThrow();
  expect(answer).toMatchObject({ createdAt: '2026-11-02T09:30:00.000Z', messages: [{ uidValidity: '1', uid: '9' }] });
});

test('a search item: every field is declared, and it parses as InteractionSearchItem', () => {
  const answer = wire(presentSearchItem({ ...interaction, accountKey: 'SUP', agentName: 'Grace' }));
  expect(undeclared(answer, interactionSearchItemSchema)).toEqual([]);
  expect(() => interactionSearchItemSchema.parse(answer)).not.toThrow();
});

test("a pending offer carries the desk notification rendered from the account's template", () => {
  const account = { key: 'SUP', name: 'Support', notificationTemplate: null, notificationSound: true, notificationShake: false };
  const answer = wire(
    presentPendingOffer({
      id: 1,
      interactionId: 7,
      messageId: 40,
      userId: 12,
      workflowId: 'route-SUP-uv1-uid9',
      reservation: 'r1-a12',
      source: 'queue-step',
      queueId: 4,
      state: 'pending',
      createdAt: at,
      expiresAt: at,
      respondedAt: null,
      interaction: { ...interaction, account, messages: [{ text: 'Hello,\n> an older quote\n  where is   it?', receivedAt: at }] },
    } as Parameters<typeof presentPendingOffer>[0]),
  );
  expect(undeclared(answer, pendingOfferSchema)).toEqual([]);
  expect(answer).toMatchObject({ preview: 'Hello, where is it?', waitingSince: '2026-11-02T09:30:00.000Z', accountName: 'Support' });
  expect(pendingOfferSchema.parse(answer).notification).toEqual({
    accountKey: 'SUP',
    text: 'SUP: Ada <ada@example.com>: Where is my order?',
    sound: true,
    shake: false,
  });
});

test('a copy downloaded again shows its MODSEQ as a string (a 64-bit number JSON cannot carry)', () => {
  const copy = { ...message, uid: null, redownloadOfId: 39, redownloadModseq: 9007199254740993n };
  const answer = wire(presentThread(interaction, null, { messages: [copy], events: [], uncertainSends: [] }));
  expect((answer.messages as Record<string, unknown>[])[0]).toMatchObject({ redownloadOfId: 39, redownloadModseq: '9007199254740993' });
  expect(() => interactionDetailSchema.parse(answer)).not.toThrow();
});
