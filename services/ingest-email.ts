/**
 * Turning one raw email read from a mailbox into stored rows: the raw source (content-addressed), the message, its
 * attachments, and the interaction it threads into. Idempotent on the message's mailbox identity (account, mailbox,
 * uidValidity, uid). Here the email is parsed and the duplicate and threading rules decided; the store writes.
 */
import { headerFieldValues } from '../domain/headers-filter';
import { loopTags } from '../domain/loop-detection';
import { sanitizeEmailHtml } from '../platform/sanitize';
import { sha256Hex } from '../store/blobs';
import type { InboundEmailStore, MailboxIdentity, Redownload } from '../store/inbound-email';
import { returnedMessage } from './bounces';
import {
  addresses,
  contentDigest,
  headerMap,
  interactionHint,
  normaliseMessageId,
  parseEmail,
  referenceList,
  storable,
} from './email-parsing';

export { EmailParseError } from './email-parsing';
export type { MailboxIdentity, Redownload } from '../store/inbound-email';

/** What the routing workflow's memo shows: sender and subject, for operators in the Web UI. */
export interface RoutingMemo {
  from: string;
  subject: string;
}

export type StoreOutcome =
  | { kind: 'stored'; messageId: number; interactionId: number; workflowId: string | null; memo: RoutingMemo }
  | { kind: 'already-stored'; messageId: number; interactionId: number; workflowId: string | null }
  | { kind: 'duplicate'; duplicateOfMessageId: number; reason: string };

/** The email parsed, but breaks a limit (e.g. an attachment too large): it is quarantined with this reason, not retried. */
export class EmailRejectedError extends Error {}

export interface IngestLimits {
  /** Largest attachment stored; a larger one rejects the email (EmailRejectedError). */
  maxAttachmentBytes?: number;
}

/** The account's settings ingestion reads (the watcher has them already; otherwise they are loaded). */
export interface IngestAccount {
  id: number;
  key: string;
  emailAddress: string;
  contactListId: number | null;
  disableDuplicateCheck: boolean;
}

/** What the caller knows already: the account's settings, and the routing workflow's id to write with the message. */
export interface IngestContext {
  account?: IngestAccount;
  workflowId?: string;
  /** When the mailbox watch learned of the email. */
  noticedAt?: Date;
}

export async function storeIncomingEmail(
  store: InboundEmailStore,
  identity: MailboxIdentity,
  raw: Buffer,
  redownload?: Redownload,
  limits: IngestLimits = {},
  known: IngestContext = {},
): Promise<StoreOutcome> {
  const existing = await store.findStored(identity, redownload);
  if (existing) return { kind: 'already-stored', ...existing };

  const account = known.account ?? (await store.account(identity.accountId));
  const parsed = await parseEmail(raw);
  const oversized =
    limits.maxAttachmentBytes === undefined
      ? undefined
      : parsed.attachments.find((attachment) => attachment.size > limits.maxAttachmentBytes!);
  if (oversized) {
    throw new EmailRejectedError(
      `attachment "${oversized.filename ?? oversized.contentType}" of ${oversized.size} bytes exceeds the attachment limit of ${limits.maxAttachmentBytes} bytes`,
    );
  }
  const messageIdHeader = normaliseMessageId(parsed.messageId);
  const rawSha256 = sha256Hex(raw);
  const contentSha256 = contentDigest(raw);

  // The same Message-ID (or both without one) and the same content are the same email seen again: delivered twice
  // (to two aliases), or renumbered by a UIDVALIDITY reset. Never a second interaction message; a visible record
  // says why it was not stored. Another email that reuses a Message-ID is stored like any other.
  if (!redownload) {
    const sameEmail = await store.findSameEmail({ accountId: identity.accountId, messageIdHeader, rawSha256, contentSha256 });
    if (sameEmail !== null) {
      // A second watch of the mailbox (its predecessor timed out but still runs) may have stored this very email
      // since the look above: that is this email, to be routed, not a duplicate of another one.
      const storedMeanwhile = await store.findStored(identity);
      if (storedMeanwhile) return { kind: 'already-stored', ...storedMeanwhile };
      const reason = `the same email (Message-ID ${messageIdHeader ?? 'none'} and content) is already stored as message ${sameEmail}`;
      await store.recordSkipped(identity, { reason, messageIdHeader, duplicateOfMessageId: sameEmail });
      return { kind: 'duplicate', duplicateOfMessageId: sameEmail, reason };
    }
  }

  const from = addresses(parsed.from)[0] ?? { address: 'unknown@invalid' };
  const references = referenceList(parsed);
  const inReplyTo = normaliseMessageId(Array.isArray(parsed.inReplyTo) ? parsed.inReplyTo[0] : parsed.inReplyTo);
  const threadIds = [...new Set([...(inReplyTo ? [inReplyTo] : []), ...references])];
  const ownMessage = messageIdHeader !== null && (await store.isOwnMessageId(messageIdHeader));
  const tags = loopTags(
    {
      get: (name) => headerFieldValues(raw, name),
      contentType: headerFieldValues(raw, 'content-type')[0] ?? '',
      fromAddress: from.address,
      messageId: messageIdHeader,
    },
    { accountAddress: account.emailAddress, ownMessageIds: new Set(ownMessage && messageIdHeader ? [messageIdHeader] : []) },
  );
  const html = typeof parsed.html === 'string' ? storable(parsed.html) : null;
  // A bounce of an email we sent (an autoreply, a reply) belongs to that email's interaction, never a new one.
  const returned = tags.includes('bounce') ? returnedMessage(parsed) : null;
  const bounced = returned?.messageId ? await store.ownOutbound(returned.messageId) : null;
  const bounceOf = bounced && bounced.accountId === account.id ? bounced : null;
  const returnedIds = returned ? [...(returned.messageId ? [returned.messageId] : []), ...returned.threadIds] : [];

  await store.storeBlob(raw);
  const attachments = await Promise.all(
    parsed.attachments.map(async (attachment) => ({
      sha256: await store.storeBlob(attachment.content),
      filename: attachment.filename ? storable(attachment.filename).slice(0, 998) : null,
      contentType: attachment.contentType,
      size: attachment.size,
      contentId: attachment.contentId ?? null,
      inline: attachment.contentDisposition === 'inline' && Boolean(attachment.contentId),
    })),
  );

  const subject = storable((parsed.subject ?? '').slice(0, 998));
  const workflowId = known.workflowId ?? null;
  const created = await store.create({
    identity,
    workflowId,
    ...(redownload ? { redownload } : {}),
    account,
    // The seed: a re-downloaded email "creates a new interaction".
    thread: redownload
      ? null
      : {
          interactionId: bounceOf?.interactionId ?? interactionHint(parsed, account.key),
          messageIds: [...new Set([...threadIds, ...returnedIds])],
        },
    // A re-downloaded copy starts its own interaction: it is not the bounce joining the one it came from.
    ...(bounceOf && !redownload
      ? { bounceOf: { outboundId: bounceOf.id, kind: bounceOf.kind, messageIdHeader: returned!.messageId! } }
      : {}),
    customer: { address: from.address, name: from.name ?? null },
    subject,
    message: {
      messageIdHeader,
      inReplyTo,
      references,
      toAddresses: addresses(parsed.to),
      ccAddresses: addresses(parsed.cc),
      headers: headerMap(parsed),
      text: storable(parsed.text ?? null),
      html,
      htmlSanitized: html === null ? null : sanitizeEmailHtml(html),
      loopTags: tags,
      rawSha256,
      contentSha256,
      sizeBytes: raw.length,
      sentAt: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
      noticedAt: known.noticedAt ?? null,
      attachments,
    },
  });
  return { kind: 'stored', ...created, workflowId, memo: { from: from.address, subject } };
}
