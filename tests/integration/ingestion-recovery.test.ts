/**
 * Exactly once whatever crashes, on Dovecot and on Cyrus: mailbox resets (UIDVALIDITY changed; on Dovecot also its
 * index and uidlist deleted), two workers at once, and a burst of 500 emails while the worker is SIGKILLed twice
 * and the IMAP server restarted.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { mailUserDir } from '../../scripts/services/dovecot';
import { waitFor } from '../../scripts/services/process-tools';
import { createWatchedAccount, deactivateAndWaitForLogout, extraWorker, waitForCheckpoint } from '../support/ingestion';
import { MAIL_SERVERS, startMailServer, useMailServer, type TestMailServer } from '../support/mail-servers';
import { buildEmail, withImapClient } from '../support/mailbox';
import { startTestPlatform, type TestPlatform, type WorkerProcess } from '../support/platform';
import { testEnvironment } from '../support/test-environment';

describe.each(MAIL_SERVERS)('ingestion on %s: exactly once across resets and crashes', (kind) => {
  const server = useMailServer(kind);
  let platform: TestPlatform;
  let extra: WorkerProcess | undefined;
  let privateServer: TestMailServer | undefined;
  beforeEach(async () => {
    platform = await startTestPlatform();
  });
  afterEach(async () => {
    await extra?.stop();
    extra = undefined;
    await platform?.close();
    await privateServer?.close();
    privateServer = undefined;
  });

  /**
   * After a reset the watcher reads the renumbered mailbox from its start: the reset is recorded once, and every
   * email found again under its new UID is recognised (same Message-ID and content) and leaves one `email-skipped`
   * record naming the stored message it repeats, never a second message.
   */
  async function expectResetThenSkipped(
    accountId: number,
    original: { id: number; messageIdHeader: string | null }[],
    uidValidity: string,
  ) {
    const events = await platform.db.mailboxEvent.findMany({ where: { accountId }, orderBy: { id: 'asc' } });
    expect(events.map((event) => event.type)).toEqual(['mailbox-reset', ...original.map(() => 'email-skipped')]);
    const skipped = events.slice(1).map((event) => event.detail as Record<string, unknown>);
    expect(skipped.map((detail) => detail.duplicateOfMessageId).sort()).toEqual(original.map((message) => message.id).sort());
    for (const detail of skipped) {
      expect(detail.uidValidity).toBe(uidValidity);
      expect(detail.messageIdHeader).toBe(original.find((message) => message.id === detail.duplicateOfMessageId)?.messageIdHeader);
      expect(detail.reason).toMatch(/the same email \(Message-ID .+ and content\) is already stored as message \d+/);
    }
  }

  async function expectNoDuplicates(accountId: number, subjects: string[]) {
    const messages = await platform.db.message.findMany({ where: { accountId, direction: 'inbound' }, orderBy: { id: 'asc' } });
    expect(messages.map((message) => message.subject).sort()).toEqual([...subjects].sort());
    expect(messages.every((message) => message.workflowId !== null)).toBe(true);
  }

  it('UIDVALIDITY changed (the mailbox renumbered while the watcher was away): no loss, no duplicate, one reset event, each email found again recorded as skipped', async () => {
    const account = await createWatchedAccount(platform, {}, { server: server() });
    for (const subject of ['one', 'two', 'three']) await account.append(account.email({ subject }));
    await account.waitForInbound(3);
    const original = await account.inboundMessages();
    await deactivateAndWaitForLogout(platform, account);
    const newUidValidity = String(await server().renumberInbox(account.mailUser));
    const appended = await account.append(account.email({ subject: 'four, while down' }));
    expect(String(appended.uidValidity)).toBe(newUidValidity);

    expect((await platform.admin.patch(`/api/accounts/${account.id}`, { active: true })).status).toBe(200);
    await waitForCheckpoint(platform, account.id, appended.uid);
    await account.waitForInbound(4);
    await expectNoDuplicates(account.id, ['one', 'two', 'three', 'four, while down']);

    const events = await platform.admin.get(`/api/accounts/${account.id}/mailbox-events`);
    expect(events.status).toBe(200);
    const types = events.body.items.map((event: { type: string }) => event.type).sort();
    expect(types).toEqual(['email-skipped', 'email-skipped', 'email-skipped', 'mailbox-reset']);
    const reset = events.body.items.find((event: { type: string }) => event.type === 'mailbox-reset');
    expect(reset.detail).toMatchObject({ reason: 'uidvalidity-changed', toUidValidity: newUidValidity });
    await expectResetThenSkipped(account.id, original, newUidValidity);
    const state = await platform.admin.get(`/api/accounts/${account.id}/mailbox-state`);
    expect(state.body).toMatchObject({ uidValidity: newUidValidity, lastSeenUid: String(appended.uid), connected: true });
  });

  // Dovecot's own files: Cyrus keeps its index elsewhere and has no uidlist.
  if (kind === 'dovecot')
    it('dovecot-uidlist and indexes deleted (UIDs renumbered, MODSEQ back to the start): no loss, no duplicate, one reset event, each email found again recorded as skipped', async () => {
      const account = await createWatchedAccount(platform);
      for (const subject of ['alpha', 'beta']) await account.append(account.email({ subject }));
      await account.waitForInbound(2);
      const original = await account.inboundMessages();
      await deactivateAndWaitForLogout(platform, account);
      const maildir = path.join(mailUserDir(testEnvironment().dovecot, account.mailUser.user), 'Maildir');
      const removed = readdirSync(maildir).filter((name) => name === 'dovecot-uidlist' || name.startsWith('dovecot.index'));
      expect(removed).toContain('dovecot-uidlist');
      for (const name of removed) rmSync(path.join(maildir, name), { force: true });
      const appended = await account.append(account.email({ subject: 'gamma, while down' }));

      expect((await platform.admin.patch(`/api/accounts/${account.id}`, { active: true })).status).toBe(200);
      await waitForCheckpoint(platform, account.id, appended.uid);
      await account.waitForInbound(3);
      await expectNoDuplicates(account.id, ['alpha', 'beta', 'gamma, while down']);
      await expectResetThenSkipped(account.id, original, String(appended.uidValidity));
    });

  it('two worker processes: one IMAP connection per mailbox (server side), and a killed worker’s watch moves to the other', async () => {
    extra = extraWorker(platform);
    await extra.start();
    const account = await createWatchedAccount(platform, {}, { server: server() });
    await account.append(account.email({ subject: 'first' }));
    await account.waitForInbound(1);
    const sessions = () => server().countSessions(account.mailUser.user);
    await waitFor('the watcher to log in', async () => (await sessions()) === 1);
    for (let sample = 0; sample < 10; sample++) {
      expect(await sessions()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await platform.worker.kill();
    await account.append(account.email({ subject: 'after the kill' }));
    await account.waitForInbound(2, 30_000);
    expect(await sessions()).toBe(1);
    await expectNoDuplicates(account.id, ['first', 'after the kill']);
    // Back to two workers: the watch stays where it is.
    await platform.worker.start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await sessions()).toBe(1);
  });

  it('500 emails in a burst while the worker is SIGKILLed twice and the IMAP server restarted once: 500 messages, 500 workflows, 0 duplicates', async () => {
    const total = 500;
    // A server of its own: restarting the shared one would cut the IMAP sessions of tests running alongside.
    const imap = (privateServer = await startMailServer(kind, { private: true }));
    const account = await createWatchedAccount(platform, {}, { server: imap });
    const ingested = async () => platform.db.message.count({ where: { accountId: account.id, direction: 'inbound' } });
    const started = Date.now();
    let appended = 0;
    async function appendBatch(count: number) {
      await withImapClient(imap, account.mailUser.user, account.mailUser.password, async (client) => {
        for (let index = 0; index < count; index++) {
          const subject = `burst ${appended}`;
          await client.append('INBOX', buildEmail({ from: 'burst@customer.test', to: account.emailAddress, subject, text: subject }));
          appended += 1;
        }
      });
    }
    await appendBatch(200);
    await waitFor('the first emails to be ingested', async () => (await ingested()) >= 20, { timeoutMs: 30_000 });
    await platform.worker.kill();
    await appendBatch(100);
    await platform.worker.start();
    // Liveness bounds, not speed targets (npm run bench:ingest measures speed): generous for a loaded CI machine.
    await waitFor('ingestion to resume', async () => (await ingested()) >= 120, {
      timeoutMs: 90_000,
      explain: () => platform.worker.log.slice(-4000),
    });
    await imap.restart();
    await appendBatch(100);
    let state = '';
    await waitFor(
      'ingestion to resume after the restart',
      async () => {
        const row = await platform.db.mailboxState.findFirst({ where: { accountId: account.id } });
        state = `lastUid ${row?.lastUid} connected ${row?.connected} lastError ${row?.lastError}`;
        return (await ingested()) >= 250;
      },
      { timeoutMs: 90_000, explain: () => `${state}\n${platform.worker.log.slice(-4000)}` },
    );
    await platform.worker.kill();
    await appendBatch(100);
    await platform.worker.start();
    expect(appended).toBe(total);

    let watcher = '';
    await waitFor(
      `${total} inbound messages`,
      async () => {
        const description = await platform.temporal.workflow.getHandle(`watch-account-${account.id}`).describe();
        watcher = JSON.stringify({ status: description.status.name, pending: description.raw.pendingActivities });
        return (await ingested()) >= total;
      },
      {
        timeoutMs: 120_000,
        explain: () =>
          `${watcher}\n${platform.worker.log
            .split('\n')
            .filter((line) => !/INFO|sdkComponent|taskQueue|state:|^\s*}/.test(line))
            .join('\n')
            .slice(-6000)}`,
      },
    );
    await waitForCheckpoint(platform, account.id, total, 60_000);
    const messages = await platform.db.message.findMany({ where: { accountId: account.id, direction: 'inbound' } });
    expect(messages).toHaveLength(total);
    expect(new Set(messages.map((message) => message.subject)).size).toBe(total);
    expect(new Set(messages.map((message) => String(message.uid))).size).toBe(total);
    await waitFor('every routing workflow id to be recorded', async () => {
      const recorded = await platform.db.message.count({ where: { accountId: account.id, workflowId: { not: null } } });
      return recorded === total;
    });
    const workflowIds = (await platform.db.message.findMany({ where: { accountId: account.id }, select: { workflowId: true } })).map(
      (message) => message.workflowId,
    );
    expect(new Set(workflowIds).size).toBe(total);
    let workflows = 0;
    await waitFor(
      'Temporal to list 500 routing workflows',
      async () => {
        workflows = (await platform.temporal.workflow.count(`WorkflowType = "routeEmail" AND MailrouteAccount = "${account.key}"`)).count;
        return workflows >= total;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(workflows).toBe(total);
    expect(await imap.countSessions(account.mailUser.user)).toBe(1);
    console.log(`burst of ${total} with 2 worker kills and a ${kind} restart ingested in ${Date.now() - started} ms`);
  }, 420_000);
});
