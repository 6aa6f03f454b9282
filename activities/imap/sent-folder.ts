/**
 * A copy of each sent email in the account's Sent folder (the configured one, else the folder marked \Sent, else
 * "Sent", created when missing), marked \Seen. Idempotent: a copy already there (same Message-ID) is not appended
 * again, so a retry after a lost answer leaves one copy.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ImapFlow } from 'imapflow';
import { RoutingErrorType } from '../../domain/errors';
import type { Logger } from '../../platform/logger';
import type { Store } from '../../store';
import { found, notFound } from '../failures';
import { closeQuietly, connectionOptions, imapRefusal, type ImapCredentialSource } from './connection';

export interface SentFolderDeps {
  store: Pick<Store, 'outbox' | 'blobs'>;
  credentials: ImapCredentialSource;
  logger: Logger;
}

export function createSentFolderActivities({ store, credentials, logger }: SentFolderDeps) {
  const { outbox, blobs } = store;
  return {
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
      const client = new ImapFlow(connectionOptions(account, await credentials.of(account)));
      client.on('error', (error: Error) =>
        logger.warn({ accountId: account.id, err: error.message }, 'IMAP connection error (Sent folder)'),
      );
      let step = 'connecting';
      try {
        await client.connect();
        step = 'listing the folders';
        const folders = await client.list();
        const folder = account.sentMailbox ?? folders.find((entry) => entry.specialUse === '\\Sent')?.path ?? 'Sent';
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
