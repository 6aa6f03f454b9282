/**
 * Bounces of our own mail, as a real MTA writes them: the account sends through a private Postfix on loopback; a
 * customer whose mailbox is gone makes the MTA's LMTP delivery fail after the MTA accepted the email, so an autoreply
 * or a reply to them comes back as a delivery status report (multipart/report with the returned message), delivered
 * over LMTP into the account's own mailbox. The bounce
 * belongs to the interaction of the email that bounced: it is added there as a message, with a `bounced` routing
 * event, and never starts a new interaction (nor gets an autoreply of its own).
 */
import path from 'node:path';
import { startDovecot, stopDovecot, type DovecotHandle } from '../../scripts/services/dovecot';
import { waitFor } from '../../scripts/services/process-tools';
import { smtpSinks } from '../support/desk-outbound';
import { buildEmail, listMessages, withImapClient } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { postfixLog, startPostfix, stopPostfix, type PostfixHandle } from '../support/postfix';
import { createRoutedAccount, waitForOffer } from '../support/routed-account';
import { testEnvironment } from '../support/test-environment';

describe('ingestion of a bounce of our own mail (Postfix → LMTP → Dovecot)', () => {
  const smtpSink = smtpSinks();
  let platform: TestPlatform;
  let dovecot: DovecotHandle;
  let postfix: PostfixHandle;
  beforeAll(async () => {
    const runDir = testEnvironment().runDir;
    dovecot = await startDovecot({ baseDir: path.join(runDir, `dovecot-bounce-${process.pid}`), lmtp: true });
    postfix = await startPostfix({
      baseDir: path.join(runDir, `postfix-bounce-${process.pid}`),
      lmtp: { host: dovecot.host, port: dovecot.lmtpPort! },
    });
    platform = await startTestPlatform();
  }, 60_000);
  afterAll(async () => {
    await platform?.close();
    if (postfix) await stopPostfix(postfix);
    if (dovecot) await stopDovecot(dovecot);
  });

  /**
   * An account sending through the MTA, whose plan autoreplies, and a customer whose mail bounces: one at the MTA's
   * domain without a mailbox there (the MTA takes mail for them, then cannot deliver it over LMTP).
   */
  async function bouncingAccount(settings: Record<string, unknown> = {}) {
    const routed = await createRoutedAccount(platform, await smtpSink(), {
      dovecot,
      account: { smtpHost: postfix.host, smtpPort: postfix.smtpPort, ...settings },
      actionPlan: (queueId) => [
        { type: 'autoreply', template: 'Thanks, we got your email.', mode: 'always' },
        { type: 'queue', queueId, timeoutSeconds: 600 },
      ],
    });
    // The account's address is its mailbox at the MTA's domain: the MTA returns bounces there.
    const address = `${routed.mailUser.user}@${postfix.domain}`;
    expect((await platform.admin.patch(`/api/accounts/${routed.account.id}`, { emailAddress: address })).status).toBe(200);
    const customer = `gone-${routed.mailUser.user}@${postfix.domain}`;
    const accountId = routed.account.id;
    const inbound = () => platform.db.message.findMany({ where: { accountId, direction: 'inbound' }, orderBy: { id: 'asc' } });
    return { routed, accountId, address, customer, inbound };
  }

  it('a bounced autoreply, then a bounced reply, are each added to the interaction they came from with a bounced event', async () => {
    const { routed, accountId, address, customer, inbound } = await bouncingAccount();
    await routed.deliver(
      buildEmail({ from: `Carla Customer <${customer}>`, to: address, subject: 'Where is my order?', text: 'Order 42.' }),
    );
    const autoreply = await waitForOutbound(accountId, 'autoreply');
    await waitForInbound(accountId, 2);
    const [question, autoreplyBounce] = await inbound();
    expect(autoreplyBounce!.interactionId).toBe(question!.interactionId);
    expect(autoreplyBounce!.loopTags).toContain('bounce');
    expect(autoreplyBounce!.fromAddress).toMatch(/^mailer-daemon@/i);
    expect(await platform.db.interaction.count({ where: { accountId } })).toBe(1);
    expect(await bouncedEvents(question!.interactionId)).toEqual([
      {
        messageId: autoreplyBounce!.id,
        detail: { outboundId: autoreply.id, kind: 'autoreply', messageIdHeader: autoreply.messageIdHeader },
      },
    ]);

    // The agent takes it and replies: that reply bounces too, and joins the interaction the agent holds.
    expect((await routed.agent.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    const offer = await waitForOffer(routed.agent);
    expect(offer.interactionId).toBe(question!.interactionId);
    expect((await routed.agent.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await routed.agent.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'It ships today.' })).status).toBe(200);
    const reply = await waitForOutbound(accountId, 'reply');
    await waitForInbound(accountId, 3);
    const replyBounce = (await inbound())[2]!;
    expect(replyBounce.interactionId).toBe(question!.interactionId);
    expect(await platform.db.interaction.count({ where: { accountId } })).toBe(1);
    expect((await bouncedEvents(question!.interactionId))[1]).toEqual({
      messageId: replyBounce.id,
      detail: { outboundId: reply.id, kind: 'reply', messageIdHeader: reply.messageIdHeader },
    });
    // The holder sees it as a new message on the interaction; no autoreply ever answers a bounce.
    await waitFor(
      'the reply bounce announced to the holder',
      async () => (await platform.db.routingEvent.count({ where: { messageId: replyBounce.id, type: 'message-added' } })) === 1,
    );
    expect(await platform.db.outboundEmail.count({ where: { accountId, kind: 'autoreply' } })).toBe(1);
    // What the desk shows: both bounces among the interaction's messages, each with its event.
    const detail = await platform.admin.get(`/api/interactions/${question!.interactionId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.messages.map((message: { id: number }) => message.id)).toEqual(
      expect.arrayContaining([autoreplyBounce!.id, replyBounce.id]),
    );
    const events = detail.body.events.filter((event: { type: string }) => event.type === 'bounced');
    expect(events.map((event: { messageId: number }) => event.messageId)).toEqual([autoreplyBounce!.id, replyBounce.id]);
  }, 120_000);

  it('a bounce re-marked unread with "disable duplicate check" comes again as a copy in a new interaction, with no second bounced event', async () => {
    const { routed, accountId, address, customer, inbound } = await bouncingAccount({ disableDuplicateCheck: true });
    await routed.deliver(buildEmail({ from: customer, to: address, subject: 'Any news?', text: 'Order 43.' }));
    await waitForOutbound(accountId, 'autoreply');
    await waitForInbound(accountId, 2);
    const [question, bounce] = await inbound();
    expect(bounce!.interactionId).toBe(question!.interactionId);
    const user = routed.mailUser;
    const seen = async () =>
      (await listMessages(dovecot, user.user, user.password))
        .find((message) => BigInt(message.uid) === bounce!.uid)
        ?.flags.includes('\\Seen');
    await waitFor('the bounce \\Seen after ingestion', async () => (await seen()) === true);
    await withImapClient(dovecot, user.user, user.password, async (client) => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        await client.messageFlagsRemove(String(bounce!.uid), ['\\Seen'], { uid: true });
      } finally {
        lock.release();
      }
    });
    await waitForInbound(accountId, 3);
    const copy = (await inbound())[2]!;
    expect(copy.redownloadOfId).toBe(bounce!.id);
    expect(copy.interactionId).not.toBe(question!.interactionId);
    const bounced = await platform.db.routingEvent.findMany({ where: { type: 'bounced', interaction: { accountId } } });
    expect(bounced.map((event) => [event.interactionId, event.messageId])).toEqual([[question!.interactionId, bounce!.id]]);
  }, 120_000);

  async function waitForOutbound(accountId: number, kind: 'autoreply' | 'reply') {
    let row: { id: number; messageIdHeader: string; status: string } | null = null;
    let why = '';
    await waitFor(
      `the ${kind} sent to the MTA`,
      async () => {
        row = await platform.db.outboundEmail.findFirst({ where: { accountId, kind, status: 'sent' } });
        const outbound = await platform.db.outboundEmail.findMany({
          where: { accountId },
          select: { kind: true, status: true, error: true },
        });
        const events = await platform.db.routingEvent.findMany({
          where: { interaction: { accountId } },
          select: { type: true, detail: true },
        });
        why = `outbound: ${JSON.stringify(outbound)}\nevents: ${JSON.stringify(events)}\n--- worker ---\n${platform.worker.log.slice(-3000)}`;
        return row !== null;
      },
      { timeoutMs: 30_000, intervalMs: 250, explain: () => why },
    );
    return row!;
  }

  /** Waits for the account's inbound messages; on a timeout, says what the MTA and the worker did. */
  async function waitForInbound(accountId: number, count: number) {
    let why = '';
    await waitFor(
      `${count} inbound messages`,
      async () => {
        const messages = await platform.db.message.findMany({ where: { accountId, direction: 'inbound' }, orderBy: { id: 'asc' } });
        why = `--- Postfix ---\n${await postfixLog(postfix)}\n--- inbound ---\n${JSON.stringify(
          messages.map((message) => [message.id, message.interactionId, message.fromAddress, message.subject]),
        )}\n--- worker ---\n${platform.worker.log.slice(-3000)}`;
        return messages.length >= count;
      },
      { timeoutMs: 60_000, intervalMs: 250, explain: () => why },
    );
  }

  async function bouncedEvents(interactionId: number) {
    const events = await platform.db.routingEvent.findMany({
      where: { interactionId, type: 'bounced' },
      orderBy: { id: 'asc' },
      select: { messageId: true, detail: true },
    });
    return events;
  }
});
