/**
 * Hostname pinning (the seed's multiserver setting) with two worker processes named host-a and host-b: an account
 * pinned to host-b is watched on host-b's own task queue, by host-b's worker; its emails are still routed on the
 * shared queue; changing the hostname moves the watch, and no hostname gives it back to any worker.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { waitFor } from '../../scripts/services/process-tools';
import { watcherWorkflowId } from '../../contracts/watch-mailbox';
import { createWatchedAccount, extraWorker } from '../support/ingestion';
import { startTestPlatform, type TestPlatform, type WorkerProcess } from '../support/platform';

jest.setTimeout(180_000);

let platform: TestPlatform;
let hostB: WorkerProcess;
beforeAll(async () => {
  // The platform's own worker inherits this environment: it is host-a.
  process.env.MAILROUTE_HOSTNAME = 'host-a';
  platform = await startTestPlatform();
  hostB = extraWorker(platform, 5, { MAILROUTE_HOSTNAME: 'host-b' });
  await hostB.start();
});
afterAll(async () => {
  await hostB?.stop();
  await platform?.close();
});

/** The watch's task queue and the worker running its IMAP activity, once one runs it. */
async function watchRunsOn(accountId: number, taskQueue: string, worker: RegExp): Promise<void> {
  let seen = '';
  await waitFor(
    `the watch of account ${accountId} on ${taskQueue}, run by ${worker}`,
    async () => {
      const description = await platform.temporal.workflow.getHandle(watcherWorkflowId(accountId)).describe();
      const identities = (description.raw.pendingActivities ?? []).map((activity) => activity.lastWorkerIdentity ?? '');
      seen = `${description.status.name} on ${description.taskQueue}, activity by ${identities.join(', ') || 'nobody yet'}`;
      return description.status.name === 'RUNNING' && description.taskQueue === taskQueue && identities.some((id) => worker.test(id));
    },
    {
      timeoutMs: 60_000,
      intervalMs: 250,
      explain: () => `${seen}\nhost-a log:\n${platform.worker.log.slice(-2000)}\nhost-b log:\n${hostB.log.slice(-2000)}`,
    },
  );
}

it('an account pinned to host-b is watched on host-b’s task queue by host-b’s worker, routed on the shared queue, and moves when its hostname changes', async () => {
  const account = await createWatchedAccount(platform, { hostname: 'host-b' });
  await watchRunsOn(account.id, `${platform.taskQueue}-watch@host-b`, new RegExp(`^${hostB.pid}@host-b$`));
  await account.append(account.email({ subject: 'read on host-b' }));
  await account.waitForInbound(1, 30_000);

  // Routing stays on the shared queue, where every worker polls.
  // The message names its routing workflow before the workflow is started: described once it exists.
  const [routed] = await account.inboundMessages();
  const routingRun = platform.temporal.workflow.getHandle(routed!.workflowId!);
  let taskQueue: string | undefined;
  await waitFor(
    'the routing workflow started',
    async () => {
      taskQueue = await routingRun.describe().then(
        (description) => description.taskQueue,
        (error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return undefined;
          throw error;
        },
      );
      return taskQueue !== undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  expect(taskQueue).toBe(platform.taskQueue);

  // Changing the hostname moves the watch (the old one logs out first).
  expect((await platform.admin.patch(`/api/accounts/${account.id}`, { hostname: 'host-a' })).status).toBe(200);
  await watchRunsOn(account.id, `${platform.taskQueue}-watch@host-a`, new RegExp(`^${platform.worker.pid}@host-a$`));
  await account.append(account.email({ subject: 'read on host-a' }));
  await account.waitForInbound(2, 30_000);

  // No hostname: the shared queue, any worker.
  expect((await platform.admin.patch(`/api/accounts/${account.id}`, { hostname: null })).status).toBe(200);
  await watchRunsOn(account.id, platform.taskQueue, /@host-[ab]$/);
  await account.append(account.email({ subject: 'read by any worker' }));
  await account.waitForInbound(3, 30_000);
  expect((await account.inboundMessages()).map((message) => message.subject)).toEqual([
    'read on host-b',
    'read on host-a',
    'read by any worker',
  ]);
});

it('an account pinned to a host no worker runs on is not read by the others', async () => {
  const account = await createWatchedAccount(platform, { hostname: 'host-c' });
  await account.append(account.email({ subject: 'waits for host-c' }));
  const description = await platform.temporal.workflow.getHandle(watcherWorkflowId(account.id)).describe();
  expect(description.taskQueue).toBe(`${platform.taskQueue}-watch@host-c`);
  // Long enough for host-a or host-b to have taken it, were they polling its queue.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  expect(await account.inboundMessages()).toEqual([]);
  expect(await platform.db.mailboxState.findFirst({ where: { accountId: account.id } })).toBeNull();
});
