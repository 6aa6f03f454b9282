/**
 * A copy of each sent email in the account's Sent folder (the configured one, else the folder marked \Sent, else
 * "Sent", created when missing), marked \Seen. Idempotent: a copy already there (same Message-ID) is not appended
 * again, so a retry after a lost answer leaves one copy. The same folder is where an email whose delivery is unknown
 * is looked for: providers such as Gmail and Microsoft 365 file there what they accepted.
 */
import { ApplicationFailure } from '@temporalio/common';
import { RoutingErrorType } from '../../domain/errors';
import type { OutboundEnvelope } from '../../domain/outbound';
import type { Logger } from '../../platform/logger';
import type { Store } from '../../store';
import { found, notFound } from '../failures';
import { closeQuietly, createImapClient, imapRefusal, type ImapCredentialSource } from './connection';

export interface SentFolderDeps {
  store: Pick<Store, 'outbox' | 'blobs'>;
  credentials: ImapCredentialSource;
  logger: Logger;
}

/** The configured Sent folder, else the one the server marks \\Sent, else "Sent". */
function sentFolderOf(account: { sentMailbox: string | null }, folders: Array<{ path: string; specialUse?: string }>): string {
  return account.sentMailbox ?? folders.find((entry) => entry.specialUse === '\\Sent')?.path ?? 'Sent';
}

export function createSentFolderActivities({ store, credentials, logger }: SentFolderDeps) {
  const { outbox, blobs } = store;
  return {
    /**
     * An uncertain email looked for in the Sent folder by its Message-ID: found, it is settled as sent with the copy
     * the provider filed (those bytes join the thread). A row settled already is left as it is.
     */
    async findUncertainInSentFolder(input: { outboundId: number }): Promise<{ found: boolean; resolution: string | null }> {
      const outbound = found(await outbox.find(input.outboundId), `outbound ${input.outboundId}`);
      if (outbound.status !== 'uncertain' || outbound.resolution !== null) return { found: false, resolution: outbound.resolution };
      const account = await outbox.account(outbound.accountId);
      if (!account.imapHost) return { found: false, resolution: null };
      const client = createImapClient(account, await credentials.of(account));
      client.on('error', (error: Error) =>
        logger.warn({ accountId: account.id, err: error.message }, 'IMAP connection error (Sent folder)'),
      );
      try {
        await client.connect();
        const folder = sentFolderOf(account, await client.list());
        let copy: Buffer | null = null;
        let filedAt: Date | null = null;
        const lock = await client.getMailboxLock(folder).catch(() => null);
        if (lock === null) return { found: false, resolution: null };
        try {
          const uids = await client.search({ header: { 'message-id': outbound.messageIdHeader } }, { uid: true });
          const uid = uids && uids.length > 0 ? uids[0] : undefined;
          if (uid !== undefined) {
            const message = await client.fetchOne(String(uid), { source: true, internalDate: true }, { uid: true });
            if (message && message.source) {
              copy = message.source;
              filedAt = message.internalDate instanceof Date ? message.internalDate : null;
            }
          }
        } finally {
          lock.release();
        }
        if (copy === null) return { found: false, resolution: null };
        const rawSha256 = await blobs.put(copy);
        await outbox.recordSent({
          outbound,
          envelope: outbound.envelope as unknown as OutboundEnvelope,
          rawSha256,
          sizeBytes: copy.length,
          sentAt: filedAt ?? new Date(),
          smtpResponse: `found in "${folder}" by its Message-ID`,
          // Settled and the copy's folder in one write: whoever sees it settled sees where the copy is.
          settled: { resolution: 'found-in-sent-folder', resolvedById: null, sentFolder: folder },
        });
        return { found: true, resolution: 'found-in-sent-folder' };
      } finally {
        await closeQuietly(client);
      }
    },

    async appendToSentFolder(input: { outboundId: number }): Promise<{ folder: string | null; appended: boolean }> {
      const outbound = found(await outbox.find(input.outboundId), `outbound ${input.outboundId}`);
      if (outbound.sentFolderAt) return { folder: outbound.sentFolder, appended: false };
      const rawSha256 = await outbox.sentRawSha256(outbound.sentMessageId);
      const raw = rawSha256 ? await blobs.read(rawSha256) : null;
      if (outbound.status !== 'sent' || !raw) {
        throw notFound(
          `outbound ${outbound.id}'s sent copy`,
          `outbound ${outbound.id} has no sent copy to keep (status ${outbound.status})`,
        );
      }
      const account = await outbox.account(outbound.accountId);
      if (!account.imapHost) return { folder: null, appended: false };
      const client = createImapClient(account, await credentials.of(account));
      client.on('error', (error: Error) =>
        logger.warn({ accountId: account.id, err: error.message }, 'IMAP connection error (Sent folder)'),
      );
      let step = 'connecting';
      try {
        await client.connect();
        step = 'listing the folders';
        const folders = await client.list();
        const folder = sentFolderOf(account, folders);
        step = `creating "${folder}"`;
        if (!folders.some((entry) => entry.path === folder)) await client.mailboxCreate(folder);
        step = `selecting "${folder}"`;
        const lock = await client.getMailboxLock(folder);
        let appended = false;
        try {
          step = `searching "${folder}"`;
          const already = await client.search({ header: { 'message-id': outbound.messageIdHeader } }, { uid: true });
          if (!already || already.length === 0) {
            step = `appending to "${folder}"`;
            // Copies sent before the composer wrote CRLF throughout: servers such as Cyrus refuse bare newlines.
            await client.append(folder, withCrlf(raw), ['\\Seen'], outbound.sentAt ?? new Date());
            appended = true;
          }
        } finally {
          lock.release();
        }
        await outbox.markCopiedToSentFolder(outbound.id, folder);
        return { folder, appended };
      } catch (error) {
        // The server said no: the same request gets the same answer, so it is not retried, and the failure
        // recorded is the server's own words rather than imapflow's "Command failed".
        const refusal = imapRefusal(error);
        if (refusal === null) throw error;
        throw ApplicationFailure.create({
          message: `the IMAP server refused ${step}: ${refusal}`,
          type: RoutingErrorType.ImapRefused,
          nonRetryable: true,
        });
      } finally {
        await closeQuietly(client);
      }
    },
  };
}

/** Every line break as CRLF (RFC 5322), byte for byte otherwise. */
export function withCrlf(raw: Buffer): Buffer {
  return Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
