/**
 * Ingestion benchmark on the same real servers the tests use (Temporal dev server, PostgreSQL, Dovecot; the
 * worker as a child process):
 *   - append → workflow start: from the start of an IMAP APPEND to the routing workflow's start time in
 *     Temporal, one email at a time, p50 / p95 / p99;
 *   - burst rate: N emails appended back to back over one connection, emails per second until every routing
 *     workflow has started.
 *   npm run bench:ingest [-- <singles> <burst>]      (defaults: 1000 singles, a burst of 500)
 */
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { createWatchedAccount, type WatchedAccount } from '../tests/support/ingestion';
import { buildEmail, withImapClient } from '../tests/support/mailbox';
import { startTestPlatform, type TestPlatform } from '../tests/support/platform';
import { testEnvironment } from '../tests/support/test-environment';
import { waitFor } from '../scripts/services/process-tools';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function workflowStart(platform: TestPlatform, account: WatchedAccount, uid: number): Promise<Date> {
  let workflowId: string | null = null;
  await waitFor(
    `the routing workflow of UID ${uid}`,
    async () => {
      const message = await platform.db.message.findFirst({ where: { accountId: account.id, uid: BigInt(uid) } });
      workflowId = message?.workflowId ?? null;
      return workflowId !== null;
    },
    { timeoutMs: 30_000, intervalMs: 5 },
  );
  return (await platform.temporal.workflow.getHandle(workflowId!).describe()).startTime;
}

async function singles(platform: TestPlatform, count: number): Promise<number[]> {
  const account = await createWatchedAccount(platform);
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = Date.now();
    const { uid } = await account.append(account.email({ subject: `single ${index}` }));
    samples.push((await workflowStart(platform, account, uid)).getTime() - started);
  }
  return samples;
}

async function burst(platform: TestPlatform, count: number): Promise<{ seconds: number; rate: number }> {
  const account = await createWatchedAccount(platform);
  const { dovecot } = testEnvironment();
  const started = Date.now();
  await withImapClient(dovecot, account.mailUser.user, account.mailUser.password, async (client) => {
    for (let index = 0; index < count; index++) {
      await client.append(
        'INBOX',
        buildEmail({ from: 'burst@customer.test', to: account.emailAddress, subject: `burst ${index}`, text: 'x' }),
      );
    }
  });
  await waitFor(
    `${count} routing workflows`,
    async () => (await platform.db.message.count({ where: { accountId: account.id, workflowId: { not: null } } })) >= count,
    { timeoutMs: 600_000, intervalMs: 50 },
  );
  const seconds = (Date.now() - started) / 1000;
  return { seconds, rate: count / seconds };
}

async function main(): Promise<void> {
  const [singleCount = 1000, burstCount = 500] = process.argv.slice(2).map(Number);
  await globalSetup();
  const platform = await startTestPlatform();
  try {
    await singles(platform, 5); // warm-up
    const samples = await singles(platform, singleCount);
    const format = (p: number) => `${percentile(samples, p).toFixed(0)} ms`;
    console.log(
      `append → workflow start   n=${samples.length}  p50=${format(50)}  p95=${format(95)}  p99=${format(99)}  max=${Math.max(...samples)} ms`,
    );
    const result = await burst(platform, burstCount);
    console.log(`burst                      n=${burstCount}  ${result.seconds.toFixed(1)} s  ${result.rate.toFixed(1)} emails/s`);
  } finally {
    await platform.close();
    await globalTeardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
