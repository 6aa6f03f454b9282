/**
 * Sending over SMTP, at most once per outbox row.
 *
 * The outbox row is written (with its Message-ID) before any send. Each attempt holds a PostgreSQL
 * advisory lock on the row, so a retry that starts while a timed-out attempt still talks to the server
 * waits for it instead of sending in parallel. Just before the DATA phase the attempt commits
 * `dataStartedAt`; if an attempt dies after that point without recording the server's answer, nobody can
 * know whether the server accepted the message, so the row becomes `uncertain` and is never sent again
 * automatically (an agent sees it and may resend deliberately). Failures before DATA are retried freely.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import MailComposer from 'nodemailer/lib/mail-composer';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { openSmtpSession, SmtpConfigurationError } from '../platform/smtp-session';
import type { Pool } from 'pg';
import type { Database } from '../store/db';
import { RoutingErrorType } from '../domain/errors';
import { assertSafeExtraHeaders, headerSafe, type OutboundEnvelope } from '../domain/outbound';
import type { SecretBox } from '../platform/secrets';
import { readBlob, storeBlob } from '../store/blobs';

export interface SmtpActivityDeps {
  db: Database;
  pool: Pool;
  secrets: SecretBox;
}

/** Namespace of the advisory locks taken on outbox rows. */
const OUTBOUND_LOCK_NAMESPACE = 7301;

function promisify<T>(start: (callback: (error: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}

/**
 * The MIME bytes of an outbound envelope. Attachment bytes come from `loadBlob`; the extra headers are checked
 * again here, so no outbox row (however it was written) can carry a header mailroute does not set itself.
 */
export async function composeMessage(envelope: OutboundEnvelope, loadBlob: (sha256: string) => Promise<Buffer | null>): Promise<Buffer> {
  assertSafeExtraHeaders(envelope.headers);
  const attachments = await Promise.all(
    (envelope.attachments ?? []).map(async (attachment) => {
      const content = await loadBlob(attachment.sha256);
      if (!content) throw new Error(`attachment ${attachment.filename} (${attachment.sha256}) is missing from storage`);
      return { filename: headerSafe(attachment.filename), contentType: headerSafe(attachment.contentType), content };
    }),
  );
  const composer = new MailComposer({
    from: envelope.from,
    to: envelope.to,
    cc: envelope.cc,
    subject: headerSafe(envelope.subject),
    text: envelope.text,
    ...(envelope.html !== undefined ? { html: envelope.html } : {}),
    messageId: envelope.messageId,
    ...(envelope.inReplyTo ? { inReplyTo: envelope.inReplyTo } : {}),
    references: envelope.references,
    headers: envelope.headers,
    attachments,
    // Display names and subjects are encoded by the composer; CR/LF never reaches a header line.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return promisify<Buffer>((callback) => composer.compile().build(callback));
}

export function createSmtpActivities({ db, pool, secrets }: SmtpActivityDeps) {
  /**
   * Holds the row's advisory lock on a connection of its own while `work` runs. If PostgreSQL drops that connection
   * (a restart, pg_terminate_backend), the lock goes with the session: the error is noted instead of crashing the
   * worker, and the connection is discarded rather than returned to the pool.
   */
  async function withOutboundLock<T>(outboundId: number, work: () => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [OUTBOUND_LOCK_NAMESPACE, outboundId]);
      try {
        return await work();
      } finally {
        // A failed unlock must not hide work's outcome; destroying the connection releases the lock anyway.
        await client.query('SELECT pg_advisory_unlock($1, $2)', [OUTBOUND_LOCK_NAMESPACE, outboundId]).catch((error: Error) => {
          broken ??= error;
        });
      }
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  return {
    async sendOutbound(input: { outboundId: number }): Promise<{ messageIdHeader: string; smtpResponse: string }> {
      return withOutboundLock(input.outboundId, async () => {
        const outbound = await db.outboundEmail.findUnique({ where: { id: input.outboundId } });
        if (!outbound)
          throw ApplicationFailure.create({
            message: `outbound ${input.outboundId} not found`,
            type: RoutingErrorType.NotFound,
            nonRetryable: true,
          });
        if (outbound.status === 'sent') return { messageIdHeader: outbound.messageIdHeader, smtpResponse: outbound.smtpResponse ?? '' };
        if (outbound.status === 'uncertain' || (outbound.dataStartedAt !== null && outbound.sentAt === null)) {
          await db.outboundEmail.update({
            where: { id: outbound.id },
            data: { status: 'uncertain', error: 'an earlier attempt reached the DATA phase and its outcome is unknown; not sent again' },
          });
          throw ApplicationFailure.create({
            message: `outbound ${outbound.id} may already have been delivered; it is not sent again automatically`,
            type: RoutingErrorType.DeliveryUncertain,
            nonRetryable: true,
          });
        }
        const account = await db.emailAccount.findUniqueOrThrow({ where: { id: outbound.accountId } });
        const envelope = outbound.envelope as unknown as OutboundEnvelope;
        const raw = await composeMessage(envelope, (sha256) => readBlob(db, sha256)).catch(async (error: unknown) => {
          // A row that can never be composed (a refused header, a lost attachment) fails now, not after ten tries.
          const reason = error instanceof Error ? error.message : String(error);
          await db.outboundEmail.update({ where: { id: outbound.id }, data: { status: 'failed', error: reason } });
          throw ApplicationFailure.create({ message: reason, type: RoutingErrorType.InvalidConfiguration, nonRetryable: true });
        });
        await db.outboundEmail.update({ where: { id: outbound.id }, data: { status: 'sending', attempts: { increment: 1 } } });

        const connection = await openSmtpSession(account, secrets).catch((error: unknown) => {
          if (error instanceof SmtpConfigurationError) {
            throw ApplicationFailure.create({ message: error.message, type: RoutingErrorType.InvalidConfiguration, nonRetryable: true });
          }
          throw error;
        });
        try {
          Context.current().heartbeat('connected');
          const recipients = [...envelope.to, ...envelope.cc].map((recipient) => recipient.address);
          await db.outboundEmail.update({ where: { id: outbound.id }, data: { dataStartedAt: new Date() } });
          let info: SMTPConnection.SentMessageInfo;
          try {
            info = await promisify<SMTPConnection.SentMessageInfo>((callback) =>
              connection.send({ from: envelope.from.address, to: recipients }, raw, callback),
            );
          } catch (error) {
            const smtpError = error as Error & { responseCode?: number; command?: string };
            // Refused at MAIL FROM / RCPT TO, or a 5xx/4xx answer to DATA: the server did not take the message.
            const refusedByServer = typeof smtpError.responseCode === 'number';
            if (refusedByServer) {
              const permanent = smtpError.responseCode! >= 500;
              await db.outboundEmail.update({
                where: { id: outbound.id },
                data: { dataStartedAt: null, status: permanent ? 'failed' : 'queued', error: smtpError.message },
              });
              if (permanent) {
                throw ApplicationFailure.create({ message: smtpError.message, type: RoutingErrorType.SmtpRejected, nonRetryable: true });
              }
            }
            throw error;
          }
          const sentAt = new Date();
          const rawSha256 = await storeBlob(db, raw);
          await db.$transaction(async (tx) => {
            const sent = await tx.message.create({
              data: {
                interactionId: outbound.interactionId,
                accountId: outbound.accountId,
                direction: 'outbound',
                messageIdHeader: envelope.messageId,
                inReplyTo: envelope.inReplyTo ?? null,
                references: envelope.references,
                fromAddress: envelope.from.address,
                fromName: envelope.from.name,
                toAddresses: envelope.to as object,
                ccAddresses: envelope.cc as object,
                subject: envelope.subject,
                text: envelope.text,
                html: envelope.html ?? null,
                rawSha256,
                sizeBytes: raw.length,
                authorId: outbound.authorId,
                receivedAt: sentAt,
              },
            });
            await tx.outboundEmail.update({
              where: { id: outbound.id },
              data: { status: 'sent', sentAt, smtpResponse: info.response ?? '', sentMessageId: sent.id, error: null },
            });
          });
          return { messageIdHeader: envelope.messageId, smtpResponse: info.response ?? '' };
        } finally {
          connection.quit();
        }
      });
    },
  };
}
