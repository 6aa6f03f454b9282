/**
 * Turning one raw email read from a mailbox into stored rows: the raw source (content-addressed),
 * the message, its attachments, and the interaction it threads into. Idempotent on the message's
 * mailbox identity (account, mailbox, uidValidity, uid).
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { sha256Hex, storeBlob } from '../store/blobs';
import type { Database } from '../store/db';
import { headerFieldValues } from '../domain/headers-filter';
import { loopTags } from '../domain/loop-detection';
import { sanitizeEmailHtml } from '../platform/sanitize';

export interface MailboxIdentity {
  accountId: number;
  mailbox: string;
  uidValidity: bigint;
  uid: bigint;
}

export type StoreOutcome =
  | { kind: 'stored'; messageId: number; interactionId: number; workflowId: string | null }
  | { kind: 'already-stored'; messageId: number; interactionId: number; workflowId: string | null }
  | { kind: 'duplicate'; duplicateOfMessageId: number; reason: string };

export class EmailParseError extends Error {}

/** The email parsed, but breaks a limit (e.g. an attachment too large): it is quarantined with this reason, not retried. */
export class EmailRejectedError extends Error {}

interface Address {
  name?: string;
  address: string;
}

function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list
    .flatMap((entry) => entry.value)
    .flatMap((value) =>
      value.address
        ? [
            {
              ...(value.name ? { name: storable(value.name).slice(0, 998) } : {}),
              address: storable(value.address.toLowerCase()).slice(0, 998),
            },
          ]
        : [],
    );
}

/** PostgreSQL text and jsonb cannot hold NUL: hostile emails carry them in bodies and headers. */
function storable(value: string): string;
function storable(value: string | null): string | null;
function storable(value: string | null): string | null {
  return value === null ? null : value.replace(/\u0000/g, '');
}

function normaliseMessageId(value: string | undefined | null): string | null {
  const trimmed = value
    ?.replace(/\u0000/g, '')
    .trim()
    .slice(0, 998);
  if (!trimmed) return null;
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

function referenceList(parsed: ParsedMail): string[] {
  const references = Array.isArray(parsed.references) ? parsed.references : parsed.references ? parsed.references.split(/\s+/) : [];
  return references.map(normaliseMessageId).filter((value): value is string => value !== null);
}

function headerMap(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines ?? []) {
    const value = line.line.slice(line.line.indexOf(':') + 1).trim();
    if (!(line.key in headers)) headers[storable(line.key)] = storable(value.slice(0, 2048));
  }
  return headers;
}

/** `[KEY#123]` in a subject, or our own X-Mailroute-Interaction header, names the interaction. */
function interactionHint(parsed: ParsedMail, accountKey: string): number | null {
  const header = parsed.headers.get('x-mailroute-interaction');
  const fromHeader = typeof header === 'string' ? header.match(/^([A-Za-z0-9]{1,5})-(\d+)$/) : null;
  if (fromHeader && fromHeader[1] === accountKey) return Number(fromHeader[2]);
  const fromSubject = (parsed.subject ?? '').match(/\[([A-Za-z0-9]{1,5})#(\d+)\]/);
  if (fromSubject && fromSubject[1] === accountKey) return Number(fromSubject[2]);
  return null;
}

export async function parseEmail(raw: Buffer): Promise<ParsedMail> {
  try {
    return await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
  } catch (error) {
    throw new EmailParseError((error as Error).message);
  }
}

/** "Disable duplicate check": the email at `identity` was re-marked unread; store it again, once per unread episode. */
export interface Redownload {
  originalMessageId: number;
  /** The message's MODSEQ in the unread state it is downloaded in. */
  modseq: bigint;
}

export interface IngestLimits {
  /** Largest attachment stored; a larger one rejects the email (EmailRejectedError). */
  maxAttachmentBytes?: number;
}

export async function storeIncomingEmail(
  db: Database,
  identity: MailboxIdentity,
  raw: Buffer,
  redownload?: Redownload,
  limits: IngestLimits = {},
): Promise<StoreOutcome> {
  const identityWhere = {
    accountId_mailbox_uidValidity_uid: {
      accountId: identity.accountId,
      mailbox: identity.mailbox,
      uidValidity: identity.uidValidity,
      uid: identity.uid,
    },
  };
  const existing = redownload
    ? await db.message.findUnique({
        where: { redownloadOfId_redownloadModseq: { redownloadOfId: redownload.originalMessageId, redownloadModseq: redownload.modseq } },
      })
    : await db.message.findUnique({ where: identityWhere });
  if (existing)
    return { kind: 'already-stored', messageId: existing.id, interactionId: existing.interactionId, workflowId: existing.workflowId };

  const account = await db.emailAccount.findUniqueOrThrow({ where: { id: identity.accountId } });
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

  // The same bytes under the same Message-ID (or both without one) are the same email seen again, e.g. after a
  // UIDVALIDITY reset renumbered the mailbox: never a second interaction message.
  const sameEmail = redownload
    ? null
    : await db.message.findFirst({
        where: { accountId: identity.accountId, direction: 'inbound', messageIdHeader, rawSha256 },
      });
  if (sameEmail) return { kind: 'duplicate', duplicateOfMessageId: sameEmail.id, reason: 'same Message-ID and content already stored' };
  if (messageIdHeader && !redownload) {
    if (!account.disableDuplicateCheck) {
      const sameMessageId = await db.message.findFirst({ where: { accountId: identity.accountId, messageIdHeader, direction: 'inbound' } });
      if (sameMessageId)
        return { kind: 'duplicate', duplicateOfMessageId: sameMessageId.id, reason: 'duplicate Message-ID in this account' };
    }
  }

  const from = addresses(parsed.from)[0] ?? { address: 'unknown@invalid' };
  const references = referenceList(parsed);
  const inReplyTo = normaliseMessageId(Array.isArray(parsed.inReplyTo) ? parsed.inReplyTo[0] : parsed.inReplyTo);
  const threadIds = [...new Set([...(inReplyTo ? [inReplyTo] : []), ...references])];
  const ownMessage = messageIdHeader ? await db.outboundEmail.findUnique({ where: { messageIdHeader } }) : null;
  const tags = loopTags(
    {
      get: (name) => headerFieldValues(raw, name),
      contentType: headerFieldValues(raw, 'content-type')[0] ?? '',
      fromAddress: from.address,
      messageId: messageIdHeader,
    },
    { accountAddress: account.emailAddress, ownMessageIds: new Set(ownMessage ? [ownMessage.messageIdHeader] : []) },
  );
  const html = typeof parsed.html === 'string' ? storable(parsed.html) : null;

  await storeBlob(db, raw);
  const attachmentBlobs = await Promise.all(
    parsed.attachments.map(async (attachment) => ({
      sha256: await storeBlob(db, attachment.content),
      filename: attachment.filename ? storable(attachment.filename).slice(0, 998) : null,
      contentType: attachment.contentType,
      size: attachment.size,
      contentId: attachment.contentId ?? null,
      inline: attachment.contentDisposition === 'inline' && Boolean(attachment.contentId),
    })),
  );

  return db.$transaction(async (tx) => {
    const hinted = interactionHint(parsed, account.key);
    // The seed: a re-downloaded email "creates a new interaction".
    const threaded = redownload
      ? null
      : ((hinted !== null ? await tx.interaction.findFirst({ where: { id: hinted, accountId: account.id } }) : null) ??
        (threadIds.length > 0
          ? ((
              await tx.message.findFirst({
                where: { accountId: account.id, messageIdHeader: { in: threadIds } },
                orderBy: { id: 'desc' },
                select: { interaction: true },
              })
            )?.interaction ?? null)
          : null));

    let contactId: number | null = null;
    if (account.contactListId !== null) {
      const contact = await tx.contact.upsert({
        where: { listId_email: { listId: account.contactListId, email: from.address } },
        create: { listId: account.contactListId, email: from.address, name: from.name ?? null },
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
          subject: storable((parsed.subject ?? '').slice(0, 998)),
          customerEmail: from.address,
          customerName: from.name ?? null,
          contactId,
          lastMessageAt: receivedAt,
        },
      }));
    if (threaded) {
      await tx.interaction.update({ where: { id: threaded.id }, data: { read: false, lastMessageAt: receivedAt } });
    }
    const message = await tx.message.create({
      data: {
        interactionId: interaction.id,
        accountId: account.id,
        direction: 'inbound',
        mailbox: identity.mailbox,
        uidValidity: identity.uidValidity,
        // The copy keeps mailbox and UIDVALIDITY; the UID stays with the original (unique identity).
        uid: redownload ? null : identity.uid,
        redownloadOfId: redownload?.originalMessageId ?? null,
        redownloadModseq: redownload?.modseq ?? null,
        messageIdHeader,
        inReplyTo,
        references,
        fromAddress: from.address,
        fromName: from.name ?? null,
        toAddresses: addresses(parsed.to) as object,
        ccAddresses: addresses(parsed.cc) as object,
        headers: headerMap(parsed),
        subject: storable((parsed.subject ?? '').slice(0, 998)),
        text: storable(parsed.text ?? null),
        html,
        htmlSanitized: html === null ? null : sanitizeEmailHtml(html),
        loopTags: tags,
        rawSha256,
        sizeBytes: raw.length,
        receivedAt: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : receivedAt,
        attachments: { create: attachmentBlobs },
      },
    });
    return { kind: 'stored' as const, messageId: message.id, interactionId: interaction.id, workflowId: null };
  });
}
