/**
 * Turning one raw email read from a mailbox into stored rows: the raw source (content-addressed),
 * the message, its attachments, and the interaction it threads into. Idempotent on the message's
 * mailbox identity (account, mailbox, uidValidity, uid).
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { sha256Hex, storeBlob } from './blobs';
import type { Database } from './db';

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

interface Address {
  name?: string;
  address: string;
}

function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list
    .flatMap((entry) => entry.value)
    .flatMap((value) => (value.address ? [{ ...(value.name ? { name: value.name } : {}), address: value.address.toLowerCase() }] : []));
}

function normaliseMessageId(value: string | undefined | null): string | null {
  const trimmed = value?.trim();
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
    if (!(line.key in headers)) headers[line.key] = value.slice(0, 2048);
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

export async function storeIncomingEmail(db: Database, identity: MailboxIdentity, raw: Buffer): Promise<StoreOutcome> {
  const identityWhere = {
    accountId_mailbox_uidValidity_uid: {
      accountId: identity.accountId,
      mailbox: identity.mailbox,
      uidValidity: identity.uidValidity,
      uid: identity.uid,
    },
  };
  const existing = await db.message.findUnique({ where: identityWhere });
  if (existing)
    return { kind: 'already-stored', messageId: existing.id, interactionId: existing.interactionId, workflowId: existing.workflowId };

  const account = await db.emailAccount.findUniqueOrThrow({ where: { id: identity.accountId } });
  const parsed = await parseEmail(raw);
  const messageIdHeader = normaliseMessageId(parsed.messageId);
  const rawSha256 = sha256Hex(raw);

  // The same bytes under the same Message-ID are the same email seen again (e.g. after a UIDVALIDITY reset).
  if (messageIdHeader) {
    const sameEmail = await db.message.findFirst({ where: { accountId: identity.accountId, messageIdHeader, rawSha256 } });
    if (sameEmail) return { kind: 'duplicate', duplicateOfMessageId: sameEmail.id, reason: 'same Message-ID and content already stored' };
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

  await storeBlob(db, raw);
  const attachmentBlobs = await Promise.all(
    parsed.attachments.map(async (attachment) => ({
      sha256: await storeBlob(db, attachment.content),
      filename: attachment.filename ?? null,
      contentType: attachment.contentType,
      size: attachment.size,
      contentId: attachment.contentId ?? null,
      inline: attachment.contentDisposition === 'inline' && Boolean(attachment.contentId),
    })),
  );

  return db.$transaction(async (tx) => {
    const hinted = interactionHint(parsed, account.key);
    const threaded =
      (hinted !== null ? await tx.interaction.findFirst({ where: { id: hinted, accountId: account.id } }) : null) ??
      (threadIds.length > 0
        ? ((
            await tx.message.findFirst({
              where: { accountId: account.id, messageIdHeader: { in: threadIds } },
              orderBy: { id: 'desc' },
              select: { interaction: true },
            })
          )?.interaction ?? null)
        : null);

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
          subject: (parsed.subject ?? '').slice(0, 998),
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
        uid: identity.uid,
        messageIdHeader,
        inReplyTo,
        references,
        fromAddress: from.address,
        fromName: from.name ?? null,
        toAddresses: addresses(parsed.to) as object,
        ccAddresses: addresses(parsed.cc) as object,
        headers: headerMap(parsed),
        subject: (parsed.subject ?? '').slice(0, 998),
        text: parsed.text ?? null,
        html: typeof parsed.html === 'string' ? parsed.html : null,
        rawSha256,
        sizeBytes: raw.length,
        receivedAt: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : receivedAt,
        attachments: { create: attachmentBlobs },
      },
    });
    return { kind: 'stored' as const, messageId: message.id, interactionId: interaction.id, workflowId: null };
  });
}
