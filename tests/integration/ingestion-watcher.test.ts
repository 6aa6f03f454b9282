/**
 * The mailbox watcher against each IMAP server's own ways (Dovecot and Cyrus): a watched folder deleted (and created
 * again) by another client, account changes that reach the next email, and a mailbox state that follows what the
 * server says (UIDNEXT, HIGHESTMODSEQ, IDLE or polling).
 */
import { waitFor } from '../../scripts/services/process-tools';
import { createWatchedAccount, waitForCheckpoint, type WatchedAccount } from '../support/ingestion';
import { MAIL_SERVERS, useMailServer } from '../support/mail-servers';
import { buildEmail, withImapClient } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe.each(MAIL_SERVERS)('the mailbox watcher on %s', (kind) => {
  const server = useMailServer(kind);
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  const subjects = async (account: WatchedAccount) => (await account.inboundMessages()).map((message) => message.subject);
  const mailboxState = async (account: WatchedAccount) => (await platform.admin.get(`/api/accounts/${account.id}/mailbox-state`)).body;
  const asUser = <T>(account: WatchedAccount, work: Parameters<typeof withImapClient<T>>[3]) =>
    withImapClient(server(), account.mailUser.user, account.mailUser.password, work);

  it('a watched folder deleted and created again by another client is selected again: new mail still arrives, with a reset event', async () => {
    const account = await createWatchedAccount(platform, { mailbox: 'Support' }, { server: server(), activate: false });
    await asUser(account, (client) => client.mailboxCreate('Support'));
    expect((await platform.admin.patch(`/api/accounts/${account.id}`, { active: true })).status).toBe(200);
    const first = await account.append(account.email({ subject: 'before the folder was replaced' }), { mailbox: 'Support' });
    await waitForCheckpoint(platform, account.id, first.uid);
    // The watcher is back in IDLE. (A folder replaced within a moment, or between two of the watcher's commands, is
    // found by the SELECT it repeats every 30 s: too slow for this test.)
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await mailboxState(account);

    await asUser(account, async (client) => {
      await client.mailboxDelete('Support');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await client.mailboxCreate('Support');
    });
    const appended = await account.append(account.email({ subject: 'after the folder was replaced' }), { mailbox: 'Support' });
    expect(String(appended.uidValidity)).not.toBe(before.uidValidity);
    // Well within the 30 s round: Dovecot ends the session, Cyrus's EXPUNGEs are the cue to select the folder again.
    await account.waitForInbound(2, 15_000);
    expect(await subjects(account)).toEqual(['before the folder was replaced', 'after the folder was replaced']);
    await waitFor(
      'the state to name the new folder',
      async () => (await mailboxState(account)).uidValidity === String(appended.uidValidity),
    );
    expect(await mailboxState(account)).toMatchObject({ connected: true, lastError: null, lastSeenUid: String(appended.uid) });
    const events = (await platform.admin.get(`/api/accounts/${account.id}/mailbox-events`)).body.items;
    expect(events.map((event: { type: string }) => event.type)).toEqual(['mailbox-reset']);
  });

  it('a watched folder deleted by another client (and not created again) never looks healthy: disconnected, naming the folder and the server’s answer', async () => {
    const account = await createWatchedAccount(platform, { mailbox: 'Support' }, { server: server(), activate: false });
    await asUser(account, (client) => client.mailboxCreate('Support'));
    expect((await platform.admin.patch(`/api/accounts/${account.id}`, { active: true })).status).toBe(200);
    const first = await account.append(account.email({ subject: 'before the folder went' }), { mailbox: 'Support' });
    await waitForCheckpoint(platform, account.id, first.uid);
    await new Promise((resolve) => setTimeout(resolve, 500));

    await asUser(account, (client) => client.mailboxDelete('Support'));
    let state: { connected?: boolean; lastError?: string | null } = {};
    await waitFor(
      'the state to say the watcher cannot see the folder',
      async () => {
        state = await mailboxState(account);
        // (Dovecot ends the session first: "connection closed"; the next attempt meets the missing folder.)
        return state.connected === false && /^cannot select "Support": NO /.test(state.lastError ?? '');
      },
      { timeoutMs: 15_000, intervalMs: 200, explain: () => JSON.stringify(state) },
    );
    // It stays so while the folder is missing: never back to connected without an error.
    for (let sample = 0; sample < 10; sample++) {
      expect(await mailboxState(account)).not.toMatchObject({ connected: true, lastError: null });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  });

  it('an account change applies to the very next email: a header filter saved just before it arrives is used', async () => {
    const account = await createWatchedAccount(platform, {}, { server: server() });
    const first = await account.append(account.email({ subject: 'before the change' }));
    await waitForCheckpoint(platform, account.id, first.uid);

    expect((await platform.admin.patch(`/api/accounts/${account.id}`, { headersFilter: 'x-mailroute-keep' })).status).toBe(200);
    await account.append(account.email({ subject: 'filtered out' }));
    const kept = await account.append(account.email({ subject: 'kept', headers: { 'X-Mailroute-Keep': 'yes' } }));
    await waitForCheckpoint(platform, account.id, kept.uid);
    await account.waitForInbound(2);
    expect(await subjects(account)).toEqual(['before the change', 'kept']);
  });

  it('the mailbox state follows the server: the backlog of a burst, then UIDNEXT and HIGHESTMODSEQ as the server has them, on IDLE', async () => {
    const account = await createWatchedAccount(platform, {}, { server: server() });
    await waitFor('the watcher to connect', async () => (await mailboxState(account)).connected === true);
    expect((await mailboxState(account)).watching).toBe('idle');

    let largestBacklog = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        largestBacklog = Math.max(largestBacklog, (await mailboxState(account)).lag.pendingEmails);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const total = 60;
    await asUser(account, async (client) => {
      for (let index = 0; index < total; index++) {
        await client.append(
          'INBOX',
          buildEmail({ from: 'burst@customer.test', to: account.emailAddress, subject: `burst ${index}`, text: 'x' }),
        );
      }
    });
    await waitForCheckpoint(platform, account.id, total, 60_000);
    sampling = false;
    await sampler;
    expect(largestBacklog).toBeGreaterThan(0);

    const onServer = await asUser(account, (client) => client.status('INBOX', { uidNext: true, highestModseq: true }));
    expect(onServer && onServer.highestModseq).toBeTruthy();
    expect(await mailboxState(account)).toMatchObject({
      connected: true,
      watching: 'idle',
      uidNext: String(onServer && onServer.uidNext),
      highestModseq: String(onServer && onServer.highestModseq),
      lastSeenUid: String(total),
      lag: { pendingEmails: 0 },
    });
  });
});
