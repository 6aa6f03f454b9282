/**
 * An account's first activation on a real Dovecot mailbox takes what the admin chose of the emails already there:
 * unread ones by default (the seed's empty header filter is SEARCH UNSEEN), none with "from now on", those received
 * since a day with "since". Afterwards every new email is taken, read or not, as the checkpoint always did.
 */
import { createWatchedAccount, waitForCheckpoint, type WatchedAccount } from '../support/ingestion';
import { withImapClient } from '../support/mailbox';
import { startTestPlatform, uniqueAccountKey, type TestPlatform } from '../support/platform';

jest.setTimeout(180_000);

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
});

interface Seeded {
  subject: string;
  read: boolean;
  receivedAt?: Date;
}

/** APPENDs every email on one IMAP session (flags and INTERNALDATE with it); answers the last UID. */
async function seed(account: WatchedAccount, emails: Seeded[]): Promise<number> {
  const { user, password } = account.mailUser;
  return withImapClient(account.server, user, password, async (client) => {
    let last = 0;
    for (const email of emails) {
      const appended = await client.append(
        'INBOX',
        account.email({ subject: email.subject }),
        email.read ? ['\\Seen'] : [],
        email.receivedAt,
      );
      if (!appended || appended.uid === undefined) throw new Error('APPEND gave no UID');
      last = appended.uid;
    }
    return last;
  });
}

async function activate(account: WatchedAccount): Promise<void> {
  const response = await platform.admin.patch(`/api/accounts/${account.id}`, { active: true });
  expect(response.status).toBe(200);
}

const subjects = async (account: WatchedAccount) => (await account.inboundMessages()).map((message) => message.subject).sort();

it('the first activation of a mailbox with 500 read and 5 unread emails takes exactly the 5 unread ones, then every new email', async () => {
  const account = await createWatchedAccount(platform, {}, { activate: false });
  const emails: Seeded[] = Array.from({ length: 500 }, (_, index) => ({ subject: `read ${index}`, read: true }));
  // Unread ones spread through the mailbox, the last one at its very end.
  for (const [position, name] of [
    [0, 'unread A'],
    [120, 'unread B'],
    [250, 'unread C'],
    [499, 'unread D'],
    [504, 'unread E'],
  ] as const)
    emails.splice(position, 0, { subject: name, read: false });
  const lastUid = await seed(account, emails);
  await activate(account);

  await waitForCheckpoint(platform, account.id, lastUid, 60_000);
  await account.waitForInbound(5);
  expect(await subjects(account)).toEqual(['unread A', 'unread B', 'unread C', 'unread D', 'unread E']);

  // After the first activation, the checkpoint takes everything new, even an email another client already read.
  const next = await account.append(account.email({ subject: 'new, read elsewhere' }), { flags: ['\\Seen'] });
  await waitForCheckpoint(platform, account.id, next.uid);
  await account.waitForInbound(6);
  expect(await subjects(account)).toContain('new, read elsewhere');
  expect(await account.inboundMessages()).toHaveLength(6);
});

it('"from now on" takes none of the emails already there, read or not, and then the next new one', async () => {
  const account = await createWatchedAccount(platform, { firstIntake: 'from-now' }, { activate: false });
  const lastUid = await seed(account, [
    { subject: 'old unread 1', read: false },
    { subject: 'old read', read: true },
    { subject: 'old unread 2', read: false },
  ]);
  await activate(account);
  await waitForCheckpoint(platform, account.id, lastUid);
  expect(await account.inboundMessages()).toEqual([]);

  const next = await account.append(account.email({ subject: 'arrived after activation' }));
  await waitForCheckpoint(platform, account.id, next.uid);
  await account.waitForInbound(1);
  expect(await subjects(account)).toEqual(['arrived after activation']);
});

it('"since" a day takes the emails received on or after it, read or not, and none before', async () => {
  const account = await createWatchedAccount(platform, { firstIntake: 'since', firstIntakeSince: '2024-06-01' }, { activate: false });
  const lastUid = await seed(account, [
    { subject: 'May, unread', read: false, receivedAt: new Date('2024-05-31T12:00:00Z') },
    { subject: 'June 1st, read', read: true, receivedAt: new Date('2024-06-01T12:00:00Z') },
    { subject: 'long ago, read', read: true, receivedAt: new Date('2019-01-15T12:00:00Z') },
    { subject: 'June 2nd, unread', read: false, receivedAt: new Date('2024-06-02T12:00:00Z') },
    { subject: 'this year, read', read: true, receivedAt: new Date(Date.now() - 86_400_000) },
  ]);
  await activate(account);
  await waitForCheckpoint(platform, account.id, lastUid);
  await account.waitForInbound(3);
  expect(await subjects(account)).toEqual(['June 1st, read', 'June 2nd, unread', 'this year, read']);
});

it('an account cannot choose "since" without its day: the answer names the field', async () => {
  const created = await platform.admin.post('/api/accounts', {
    name: 'No day',
    key: uniqueAccountKey(),
    emailAddress: 'noday@example.test',
    firstIntake: 'since',
  });
  expect(created.status).toBe(400);
  expect(JSON.stringify(created.body)).toContain('firstIntakeSince');
  const account = await createWatchedAccount(platform, {}, { activate: false });
  const changed = await platform.admin.patch(`/api/accounts/${account.id}`, { firstIntake: 'since' });
  expect(changed.status).toBe(400);
  expect(JSON.stringify(changed.body)).toContain('firstIntakeSince');
  const answer = await platform.admin.get(`/api/accounts/${account.id}`);
  expect(answer.body).toMatchObject({ firstIntake: 'unread', firstIntakeSince: null });
});
