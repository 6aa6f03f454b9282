/**
 * Replies on an account whose mailbox is on Cyrus IMAP, which refuses what Dovecot lets through: a copy in the Sent
 * folder with a bare newline anywhere (the HTML part had them) is answered `NO Message contains bare newlines`.
 * The copy must be CRLF throughout, and a copy the server does refuse is recorded with the server's own answer.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { smtpSinks } from '../support/desk-outbound';
import { useMailServer } from '../support/mail-servers';
import { buildEmail, withImapClient } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount, type RoutedAccount } from '../support/routed-account';

describe('replies on a Cyrus mailbox', () => {
  const cyrus = useMailServer('cyrus');
  const sink = smtpSinks();
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  async function replyOnNewInteraction(routed: RoutedAccount, subject: string) {
    await routed.deliver(buildEmail({ from: 'carla@customer.test', to: routed.account.emailAddress, subject, text: 'Hello?' }));
    const offer = await acceptNextOffer(routed.agent);
    const reply = await routed.agent.post(`/api/interactions/${offer.interactionId}/reply`, {
      text: 'First line.\nSecond line.\n\nA new paragraph.',
    });
    expect(reply.status).toBe(200);
    return { offer, reply: reply.body as { outboundId: number; messageIdHeader: string } };
  }

  /** The Sent folder copy, or the routing event saying why there is none. */
  async function sentCopyOutcome(interactionId: number, outboundId: number) {
    let outcome: { folder: string | null; failure: unknown } = { folder: null, failure: null };
    await waitFor(
      'the Sent folder copy or its failure',
      async () => {
        const outbound = await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: outboundId } });
        const failed = await platform.db.routingEvent.findFirst({ where: { interactionId, type: 'sent-folder-append-failed' } });
        outcome = { folder: outbound.sentFolder, failure: failed?.detail ?? null };
        return outbound.sentFolder !== null || failed !== null;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    return outcome;
  }

  it('keeps a copy of a reply in Cyrus’s Sent folder: the sent email is CRLF throughout', async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp, { server: cyrus() });
    const { offer, reply } = await replyOnNewInteraction(routed, 'Copy me');
    const [sent] = await smtp.waitForMessages(1, 15_000);
    expect(sent!.html).toBeTruthy();

    expect(await sentCopyOutcome(offer.interactionId, reply.outboundId)).toEqual({ folder: 'Sent', failure: null });
    const copies = await withImapClient(cyrus(), routed.mailUser.user, routed.mailUser.password, async (client) => {
      const lock = await client.getMailboxLock('Sent', { readOnly: true });
      try {
        return await client.fetchAll('1:*', { source: true, flags: true, envelope: true });
      } finally {
        lock.release();
      }
    });
    expect(copies.map((copy) => [copy.envelope?.messageId, [...(copy.flags ?? [])]])).toEqual([[reply.messageIdHeader, ['\\Seen']]]);
    expect(copies[0]!.source!.toString('latin1')).not.toMatch(/[^\r]\n/);
    // The email as composed and kept (the thread's .eml download) is CRLF throughout too.
    const outbound = await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: reply.outboundId } });
    const message = await platform.db.message.findUniqueOrThrow({ where: { id: outbound.sentMessageId! } });
    const kept = await platform.db.blob.findUniqueOrThrow({ where: { sha256: message.rawSha256! } });
    expect(Buffer.from(kept.data).toString('latin1')).not.toMatch(/[^\r]\n/);
  });

  it('a copy the server refuses is recorded with the server’s answer, at once, and the reply stays sent', async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp, { server: cyrus() });
    // The owner takes away their own right to insert into Sent: Cyrus answers APPEND with "NO Permission denied".
    await withImapClient(cyrus(), routed.mailUser.user, routed.mailUser.password, async (client) => {
      const raw = client as unknown as { exec(command: string, attributes: object[]): Promise<{ next(): void }> };
      const answer = await raw.exec('SETACL', [
        { type: 'ATOM', value: 'Sent' },
        { type: 'STRING', value: routed.mailUser.user },
        { type: 'ATOM', value: 'lrsa' },
      ]);
      answer.next();
    });
    const started = Date.now();
    const { offer, reply } = await replyOnNewInteraction(routed, 'Refused copy');
    await smtp.waitForMessages(1, 15_000);

    const outcome = await sentCopyOutcome(offer.interactionId, reply.outboundId);
    expect(outcome.folder).toBeNull();
    expect(outcome.failure).toMatchObject({ outboundId: reply.outboundId, reason: expect.stringContaining('NO Permission denied') });
    // A refusal is not retried for a minute: the server would answer the same.
    expect(Date.now() - started).toBeLessThan(10_000);
    const outbound = await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: reply.outboundId } });
    expect(outbound.status).toBe('sent');
  });
});
