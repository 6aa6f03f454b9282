/** What an agent sends from the desk: an answer to an offer, a reply or forward, a close, a supervisor's reassign. */
import { z } from 'zod';
import { dbId, emailAddress, noControlCharacters } from '../../domain/fields';

export const offerAnswerSchema = z.object({}).strict();

const requestId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, - or _')
  .optional()
  .meta({ description: 'idempotency key: the same requestId never sends twice' });

/** Attachment bytes travel base64-encoded in the request; the whole request is limited to 35 MB. */
export const outboundAttachmentSchema = z
  .object({
    filename: noControlCharacters(255).min(1),
    contentType: z
      .string()
      .regex(/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/, 'must be a MIME type like application/pdf')
      .default('application/octet-stream'),
    contentBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  })
  .strict()
  .meta({ id: 'OutboundAttachment' });

/**
 * The words travel to the routing workflow in its update, which Temporal limits to 2 MB: these lengths fit with room
 * for UTF-8 (a longer HTML would hang the request while the client retries a message the server refuses).
 */
const outboundFields = {
  text: z.string().max(200_000).default('').meta({ description: "the agent's words (plain text)" }),
  html: z.string().max(400_000).optional().meta({ description: 'HTML version of the words; sanitized before sending' }),
  cannedAnswerId: dbId.optional().meta({ description: "a canned answer (global or the account's), variables rendered" }),
  attachments: z.array(outboundAttachmentSchema).max(20).default([]),
  requestId,
};

/** needsWords as the document states it. */
const wordsGiven = {
  anyOf: [{ required: ['html'] }, { required: ['cannedAnswerId'] }, { required: ['text'], properties: { text: { pattern: '\\S' } } }],
};

function needsWords(body: { text: string; html?: string | undefined; cannedAnswerId?: number | undefined }, context: z.RefinementCtx) {
  if (body.text.trim() === '' && body.html === undefined && body.cannedAnswerId === undefined) {
    context.addIssue({ code: 'custom', path: ['text'], message: 'give text, html or cannedAnswerId' });
  }
}

/** A recipient: the display name may not hold line breaks (no header injection), the address must be one. */
const recipientSchema = z
  .object({ name: noControlCharacters(200).optional(), address: emailAddress() })
  .strict()
  .meta({ id: 'Recipient' });

const bcc = z
  .array(recipientSchema)
  .max(50)
  .optional()
  .meta({ description: 'delivered to these addresses without naming them in the email' });

export const replySchema = z
  .object({
    ...outboundFields,
    replyAll: z.boolean().default(false).meta({
      description: "also to everyone else the customer's latest message was addressed to (in Cc), without the account's own addresses",
    }),
    to: z
      .array(recipientSchema)
      .min(1)
      .max(50)
      .optional()
      .meta({ description: 'the recipients as the agent edited them; default: the customer' }),
    cc: z
      .array(recipientSchema)
      .max(50)
      .optional()
      .meta({ description: 'the Cc as the agent edited it; default: none, or with replyAll the others the customer wrote to' }),
    bcc,
  })
  .strict()
  .superRefine(needsWords)
  .meta({ id: 'Reply', ...wordsGiven });

export const forwardSchema = z
  .object({
    ...outboundFields,
    to: z.array(recipientSchema).min(1).max(50),
    cc: z.array(recipientSchema).max(50).default([]),
    bcc,
    includePreviousMessage: z
      .boolean()
      .optional()
      .meta({ description: "quote the customer's latest message with its attachments; default: the account's includeMessageOnForward" }),
  })
  .strict()
  .superRefine(needsWords)
  .meta({ id: 'Forward', ...wordsGiven });

/** A new email an agent starts: to a customer, from an account they work, with the words of any reply. */
export const newEmailSchema = z
  .object({
    accountId: dbId.meta({ description: 'the account it is sent from: one you are added to' }),
    to: z.array(recipientSchema).min(1).max(50).meta({ description: 'the first is the customer the interaction is with' }),
    cc: z.array(recipientSchema).max(50).default([]),
    bcc: z.array(recipientSchema).max(50).default([]),
    subject: noControlCharacters(998).min(1),
    ...outboundFields,
  })
  .strict()
  .superRefine(needsWords)
  .meta({ id: 'NewEmail', ...wordsGiven });

export const reassignSchema = z.object({ agentId: dbId }).strict().meta({ id: 'Reassign' });

export const closeSchema = z.object({ dispositionId: dbId.optional() }).strict().meta({ id: 'Close' });
