/**
 * A mailbox watch can be superseded while it still runs: its activity retried after a missed heartbeat, or moved to
 * another worker. The older watch ending (cancelled, or its connection lost) must not mark the mailbox disconnected
 * under the newer one, which holds the connection (real PostgreSQL; the store as the watch activity calls it).
 */
import { createStore } from '../../store';
import { uniqueAccountKey, useTestPlatform } from '../support/platform';

const platform = useTestPlatform({ worker: false });

it('an older watch that ends or loses its connection leaves the newer watch’s state as it is', async () => {
  const key = uniqueAccountKey();
  const account = await platform.db.emailAccount.create({
    data: { name: `Watch ${key}`, key, emailAddress: `watch-${key.toLowerCase()}@example.test`, active: false },
  });
  const { mailboxes } = createStore(platform.db);
  const ref = { accountId: account.id, mailbox: 'INBOX' };
  const server = { uidValidity: 7n, highestModseq: null, uidNext: 1n, watchMode: 'idle' as const };
  const older = new Date(Date.now() - 60_000);
  const newer = new Date();

  await mailboxes.markConnected(ref, server, undefined, older);
  await mailboxes.markConnected(ref, server, undefined, newer);
  await mailboxes.markDisconnected(ref, 'connection reset by the older watch', older);
  await mailboxes.markAccountDisconnected(account.id, older);
  expect(await mailboxes.state(ref)).toMatchObject({ connected: true, lastError: null, watchMode: 'idle' });

  // The newer watch's own loss is the state's.
  await mailboxes.markDisconnected(ref, 'connection reset', newer);
  expect(await mailboxes.state(ref)).toMatchObject({ connected: false, lastError: 'connection reset' });
  await mailboxes.markConnected(ref, server, undefined, newer);
  await mailboxes.markAccountDisconnected(account.id, newer);
  expect(await mailboxes.state(ref)).toMatchObject({ connected: false });

  // A mailbox no watch has written yet records a first failure.
  const other = { accountId: account.id, mailbox: 'Support' };
  await mailboxes.markDisconnected(other, 'authentication failed', older);
  expect(await mailboxes.state(other)).toMatchObject({ connected: false, lastError: 'authentication failed' });
});
