/**
 * The seed's ingestion settings against real IMAP servers (Dovecot and Cyrus), Temporal and PostgreSQL: the five
 * IMAP headers filter examples, mark as unread, duplicate check and disable duplicate check; plus \Seen set by
 * another client and catching up after a long time offline.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { createWatchedAccount as createWatched, waitForCheckpoint } from '../support/ingestion';
import { MAIL_SERVERS, useMailServer } from '../support/mail-servers';
import { listMessages, uniqueMessageId, withImapClient } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe.each(MAIL_SERVERS)('ingestion on %s: the seed behaviours', (kind) => {
  const server = useMailServer(kind);
  const createWatchedAccount = (target: TestPlatform, settings: Record<string, unknown> = {}, options: { activate?: boolean } = {}) =>
    createWatched(target, settings, { ...options, server: server() });
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  // One mailbox content for all five examples: names vary in case, values are substrings or differ in case.
  const corpus: { subject: string; headers: Record<string, string> }[] = [
    { subject: 'plain', headers: {} },
    { subject: 'report-SAFE', headers: { 'X-Antivirus-Report': 'SAFE' } },
    { subject: 'report-NOTSAFE', headers: { 'x-antivirus-report': 'NOT-SAFE-AT-ALL' } },
    { subject: 'report-safe-lowercase', headers: { 'x-antivirus-report': 'safe' } },
    { subject: 'report-SAFE+time', headers: { 'X-ANTIVIRUS-REPORT': 'SAFE', 'X-Antispam-Evaluation-Time': '12' } },
    { subject: 'report-other+time', headers: { 'x-antivirus-report': 'INFECTED', 'x-antispam-evaluation-time': '7' } },
    { subject: 'time-only', headers: { 'x-antispam-evaluation-time': '3' } },
  ];
  const examples: [string, string[]][] = [
    ['', corpus.map((entry) => entry.subject)],
    ['x-antivirus-report', ['report-SAFE', 'report-NOTSAFE', 'report-safe-lowercase', 'report-SAFE+time', 'report-other+time']],
    ['x-antivirus-report,x-antispam-evaluation-time', ['report-SAFE+time', 'report-other+time']],
    ['x-antivirus-report=SAFE', ['report-SAFE', 'report-SAFE+time']],
    ['x-antivirus-report=SAFE,x-antispam-evaluation-time', ['report-SAFE+time']],
  ];

  it.each(examples)('headers filter %j lets through exactly the seed table’s messages', async (filter, expected) => {
    const account = await createWatchedAccount(platform, { headersFilter: filter });
    for (const entry of corpus) await account.append(account.email({ subject: entry.subject, headers: entry.headers }));
    // A last email every filter accepts: once the checkpoint reaches it, every earlier UID has been decided.
    const sentinel = await account.append(
      account.email({ subject: 'sentinel', headers: { 'x-antivirus-report': 'SAFE', 'x-antispam-evaluation-time': '1' } }),
    );
    await waitForCheckpoint(platform, account.id, sentinel.uid);
    await account.waitForInbound(expected.length + 1);
    const subjects = (await account.inboundMessages()).map((message) => message.subject);
    expect(subjects).toEqual([...expected, 'sentinel']);
  });

  it('flags ingested emails \\Seen on the server by default, and leaves them unseen with "mark as unread"', async () => {
    const imap = server();
    const plain = await createWatchedAccount(platform);
    const unread = await createWatchedAccount(platform, { markAsUnread: true });
    await plain.append(plain.email({ subject: 'seen after ingestion' }));
    await unread.append(unread.email({ subject: 'stays unread' }));
    await plain.waitForInbound(1);
    await unread.waitForInbound(1);
    // \Seen is set after the message is stored and routed: wait for it rather than race it.
    await waitFor('\\Seen on the plain account', async () => {
      const [message] = await listMessages(imap, plain.mailUser.user, plain.mailUser.password);
      return message!.flags.includes('\\Seen');
    });
    // Give the unread account's watcher the same chance to (wrongly) flag it, then check it did not.
    const marker = await unread.append(unread.email({ subject: 'marker' }));
    await waitForCheckpoint(platform, unread.id, marker.uid);
    const unreadMessages = await listMessages(imap, unread.mailUser.user, unread.mailUser.password);
    expect(unreadMessages.map((message) => message.flags)).toEqual([[], []]);
    // And the checkpoint, not \Seen, keeps it from being ingested twice.
    await unread.waitForInbound(2);
    expect(await unread.inboundMessages()).toHaveLength(2);
  });

  it('duplicate check (default): the same email delivered again is skipped with a visible record; another email reusing its Message-ID is stored', async () => {
    const account = await createWatchedAccount(platform);
    const messageId = uniqueMessageId('customer.test');
    const original = account.email({ subject: 'first', messageId });
    await account.append(original);
    // A second delivery differs only in the fields servers add on the way.
    const again = await account.append(
      `Received: from relay.customer.test by mx.example.test; Sun, 29 Nov 2026 10:00:00 +0000\r\nDelivered-To: sales@example.test\r\n${original}`,
    );
    await account.append(account.email({ subject: 'resent with other content', messageId, text: 'different body' }));
    const last = await account.append(account.email({ subject: 'other' }));
    await waitForCheckpoint(platform, account.id, last.uid);
    await account.waitForInbound(3);
    const messages = await account.inboundMessages();
    expect(messages.map((message) => message.subject)).toEqual(['first', 'resent with other content', 'other']);
    const skipped = await platform.db.mailboxEvent.findMany({ where: { accountId: account.id, type: 'email-skipped' } });
    expect(skipped.map((event) => event.detail)).toEqual([
      expect.objectContaining({
        uid: String(again.uid),
        messageIdHeader: messages[0]!.messageIdHeader,
        duplicateOfMessageId: messages[0]!.id,
        reason: expect.stringMatching(/already stored as message/),
      }),
    ]);
  });

  it('disable duplicate check: the same Message-ID again becomes a new interaction message', async () => {
    const account = await createWatchedAccount(platform, { disableDuplicateCheck: true });
    const messageId = uniqueMessageId('customer.test');
    await account.append(account.email({ subject: 'first', messageId }));
    await account.append(account.email({ subject: 'resent with other content', messageId, text: 'different body' }));
    const last = await account.append(account.email({ subject: 'other' }));
    await waitForCheckpoint(platform, account.id, last.uid);
    await account.waitForInbound(3);
    const messages = await account.inboundMessages();
    expect(messages.map((message) => message.subject)).toEqual(['first', 'resent with other content', 'other']);
    expect(new Set(messages.map((message) => message.interactionId)).size).toBe(3);
  });

  it('disable duplicate check: an email re-marked unread on the server is downloaded again as a new interaction, once', async () => {
    const imap = server();
    const account = await createWatchedAccount(platform, { disableDuplicateCheck: true });
    const first = await account.append(account.email({ subject: 'read me twice' }));
    await account.waitForInbound(1);
    const seen = async () => (await listMessages(imap, account.mailUser.user, account.mailUser.password))[0]!.flags.includes('\\Seen');
    await waitFor('\\Seen after ingestion', seen);
    await withImapClient(imap, account.mailUser.user, account.mailUser.password, async (client) => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        await client.messageFlagsRemove(String(first.uid), ['\\Seen'], { uid: true });
      } finally {
        lock.release();
      }
    });
    await account.waitForInbound(2);
    await waitFor('\\Seen again after the re-download', seen);
    const last = await account.append(account.email({ subject: 'later' }));
    await waitForCheckpoint(platform, account.id, last.uid);
    await account.waitForInbound(3);
    const messages = await account.inboundMessages();
    expect(messages.map((message) => message.subject)).toEqual(['read me twice', 'read me twice', 'later']);
    expect(new Set(messages.map((message) => message.interactionId)).size).toBe(3);
    expect(messages[1]!.workflowId).toMatch(new RegExp(`^route-${account.key}-uv\\d+-uid${first.uid}-m\\d+$`));

    // With the duplicate check on (the default), re-marking unread brings nothing back.
    const checked = await createWatchedAccount(platform);
    const once = await checked.append(checked.email({ subject: 'only once' }));
    await checked.waitForInbound(1);
    await withImapClient(imap, checked.mailUser.user, checked.mailUser.password, async (client) => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        await client.messageFlagsRemove(String(once.uid), ['\\Seen'], { uid: true });
      } finally {
        lock.release();
      }
    });
    const marker = await checked.append(checked.email({ subject: 'marker' }));
    await waitForCheckpoint(platform, checked.id, marker.uid);
    await checked.waitForInbound(2);
    expect((await checked.inboundMessages()).map((message) => message.subject)).toEqual(['only once', 'marker']);
  });

  it('ingests an email another client marked \\Seen before the watcher saw it, when the account takes its mailbox since a day', async () => {
    // The first activation takes unread emails only unless the admin chooses a day (docs/ingestion.md).
    const account = await createWatchedAccount(platform, { firstIntake: 'since', firstIntakeSince: '2000-01-01' }, { activate: false });
    await account.append(account.email({ subject: 'read elsewhere' }), { flags: ['\\Seen'] });
    expect((await platform.admin.patch(`/api/accounts/${account.id}`, { active: true })).status).toBe(200);
    await account.waitForInbound(1);
    expect((await account.inboundMessages()).map((message) => message.subject)).toEqual(['read elsewhere']);
  });

  it('catches up from its last UID after a long time offline: old dates, read flags, nothing twice', async () => {
    const account = await createWatchedAccount(platform);
    await account.append(account.email({ subject: 'before the outage' }));
    await account.waitForInbound(1);
    expect((await platform.admin.patch(`/api/accounts/${account.id}`, { active: false })).status).toBe(200);
    await waitFor('the watcher to disconnect', async () => (await server().countSessions(account.mailUser.user)) === 0);

    const twoYearsAgo = new Date(Date.now() - 2 * 365 * 24 * 3600 * 1000);
    for (let index = 0; index < 5; index++) {
      await account.append(account.email({ subject: `during the outage ${index}`, date: twoYearsAgo }), {
        internalDate: twoYearsAgo,
        flags: index % 2 === 0 ? ['\\Seen'] : [],
      });
    }
    // Another client reads the first email again meanwhile: it must not come back.
    await withImapClient(server(), account.mailUser.user, account.mailUser.password, async (client) => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        await client.messageFlagsRemove('1:*', ['\\Seen']);
      } finally {
        lock.release();
      }
    });
    expect((await platform.admin.patch(`/api/accounts/${account.id}`, { active: true })).status).toBe(200);
    await account.waitForInbound(6);
    await waitForCheckpoint(platform, account.id, 6);
    expect((await account.inboundMessages()).map((message) => message.subject)).toEqual([
      'before the outage',
      ...[0, 1, 2, 3, 4].map((index) => `during the outage ${index}`),
    ]);
  });
});
