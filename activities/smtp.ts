/**
 * Sending over SMTP, at most once per outbox row.
 *
 * The outbox row is written (with its Message-ID) before any send. Each attempt holds a PostgreSQL
 * advisory lock on the row (store/outbound-lock.ts), so a retry that starts while a timed-out attempt still talks to the server
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
import { RoutingErrorType } from '../domain/errors';
import { safeFilename } from '../domain/filenames';
import { assertSafeExtraHeaders, headerSafe, type OutboundEnvelope } from '../domain/outbound';
import type { OAuth2TokenSource } from '../platform/oauth2';
import type { SecretBox } from '../platform/secrets';
import type { Store } from '../store';
import type { OutboundLock } from '../store/outbound-lock';
import { found } from './failures';
import { platformMetrics } from '../platform/metrics';

export interface SmtpActivityDeps {
  store: Pick<Store, 'outbox' | 'blobs'>;
  /** Holds an outbox row's advisory lock while one attempt sends it. */
  withOutboundLock: OutboundLock;
  secrets: SecretBox;
  /** Access tokens for XOAUTH2 accounts, shared with the process's IMAP logins. */
  oauth2Tokens: Pick<OAuth2TokenSource, 'accessToken'>;
}

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
      return {
        filename: safeFilename(attachment.filename),
        contentType: headerSafe(attachment.contentType),
        content,
        // The account's logo: a part of the HTML (multipart/related), shown where the HTML says cid:…
        ...(attachment.cid ? { cid: headerSafe(attachment.cid), contentDisposition: 'inline' as const } : {}),
      };
    }),
  );
  const composer = new MailComposer({
    from: envelope.from,
    to: envelope.to,
    cc: envelope.cc,
    // No bcc here: the message (and its copy in the Sent folder) never names them; sendOutbound delivers to them.
    subject: headerSafe(envelope.subject),
    text: envelope.text,
    ...(envelope.html !== undefined ? { html: envelope.html } : {}),
    messageId: envelope.messageId,
    ...(envelope.inReplyTo ? { inReplyTo: envelope.inReplyTo } : {}),
    references: envelope.references,
    headers: envelope.headers,
    attachments,
    // Display names and subjects are encoded by the composer; CR/LF never reaches a header line.
    // CRLF throughout, bodies too: the same bytes go over SMTP and into the Sent folder (Cyrus refuses bare newlines).
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return promisify<Buffer>((callback) => composer.compile().build(callback));
}

export function createSmtpActivities({ store, withOutboundLock, secrets, oauth2Tokens }: SmtpActivityDeps) {
  const { outbox, blobs } = store;
  return {
    async sendOutbound(input: { outboundId: number }): Promise<{ messageIdHeader: string; smtpResponse: string }> {
      return withOutboundLock(input.outboundId, async () => {
        const outbound = found(await outbox.find(input.outboundId), `outbound ${input.outboundId}`);
        if (outbound.status === 'sent') return { messageIdHeader: outbound.messageIdHeader, smtpResponse: outbound.smtpResponse ?? '' };
        if (outbound.status === 'uncertain' || (outbound.dataStartedAt !== null && outbound.sentAt === null)) {
          await outbox.markUncertain(outbound.id, 'an earlier attempt reached the DATA phase and its outcome is unknown; not sent again');
          if (outbound.status !== 'uncertain') platformMetrics.emailSent('uncertain');
          throw ApplicationFailure.create({
            message: `outbound ${outbound.id} may already have been delivered; it is not sent again automatically`,
            type: RoutingErrorType.DeliveryUncertain,
            nonRetryable: true,
          });
        }
        const account = await outbox.account(outbound.accountId);
        const envelope = outbound.envelope as unknown as OutboundEnvelope;
        const raw = await composeMessage(envelope, blobs.read).catch(async (error: unknown) => {
          // A row that can never be composed (a refused header, a lost attachment) fails now, not after ten tries.
          const reason = error instanceof Error ? error.message : String(error);
          await outbox.markFailed(outbound.id, reason);
          platformMetrics.emailSent('failed');
          throw ApplicationFailure.create({ message: reason, type: RoutingErrorType.InvalidConfiguration, nonRetryable: true });
        });
        await outbox.markSending(outbound.id);

        const connection = await openSmtpSession(account, secrets, oauth2Tokens).catch((error: unknown) => {
          if (error instanceof SmtpConfigurationError) {
            throw ApplicationFailure.create({ message: error.message, type: RoutingErrorType.InvalidConfiguration, nonRetryable: true });
          }
          throw error;
        });
        try {
          Context.current().heartbeat('connected');
          // Bcc recipients are in the SMTP envelope only: composeMessage never writes them into the message.
          const recipients = [...envelope.to, ...envelope.cc, ...(envelope.bcc ?? [])].map((recipient) => recipient.address);
          await outbox.markDataStarted(outbound.id);
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
              await outbox.markRefused(outbound.id, permanent, smtpError.message);
              if (permanent) {
                platformMetrics.emailSent('failed');
                throw ApplicationFailure.create({ message: smtpError.message, type: RoutingErrorType.SmtpRejected, nonRetryable: true });
              }
            }
            throw error;
          }
          const sentAt = new Date();
          const rawSha256 = await blobs.put(raw);
          await outbox.recordSent({ outbound, envelope, rawSha256, sizeBytes: raw.length, sentAt, smtpResponse: info.response ?? '' });
          platformMetrics.emailSent('sent');
          return { messageIdHeader: envelope.messageId, smtpResponse: info.response ?? '' };
        } finally {
          connection.quit();
        }
      });
    },
  };
}
