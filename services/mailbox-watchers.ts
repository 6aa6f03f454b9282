/**
 * Starts, reconfigures, moves and stops the mailbox watcher workflow of an account. An account with a hostname (the
 * seed's multiserver setting) is watched on that host's own task queue, which only workers started with that
 * MAILROUTE_HOSTNAME poll; without one, on the shared queue any worker polls. Routing always stays on the shared queue.
 */
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { accountKeyAttribute, stateAttribute } from '../contracts/search-attributes';
import { reconfigureWatcherSignal, stopWatcherSignal, watcherWorkflowId } from '../contracts/watch-mailbox';
import { watchMailbox } from '../workflows/watch-mailbox';

/**
 * The task queue an account's watch runs on: the host's own (named after the shared queue, so deployments sharing a
 * Temporal namespace stay apart), or the shared queue when the account names no host.
 */
export function watcherTaskQueue(sharedTaskQueue: string, hostname: string | null | undefined): string {
  const host = (hostname ?? '').trim();
  return host === '' ? sharedTaskQueue : `${sharedTaskQueue}-watch@${host}`;
}

export interface WatchedAccountRef {
  id: number;
  key: string;
  active: boolean;
  mailbox: string;
  hostname?: string | null;
}

export interface WatcherControl {
  sync(account: WatchedAccountRef, change: 'created' | 'updated' | 'deleted'): Promise<void>;
  /** Where routing workflows run (the quarantine's re-ingest starts one). */
  readonly taskQueue: string;
}

/** How long a moving watch may take to log out on its old host before it is ended there (its host may be down). */
const MOVE_GRACE_MS = 15_000;

export function createWatcherControl(temporal: Client, options: { taskQueue: string; heartbeatTimeoutSeconds: number }): WatcherControl {
  async function start(account: WatchedAccountRef) {
    await temporal.workflow.start(watchMailbox, {
      taskQueue: watcherTaskQueue(options.taskQueue, account.hostname),
      workflowId: watcherWorkflowId(account.id),
      args: [{ accountId: account.id, heartbeatTimeoutSeconds: options.heartbeatTimeoutSeconds }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [
        { key: accountKeyAttribute, value: account.key },
        { key: stateAttribute, value: 'watching' },
      ],
      memo: { accountKey: account.key, mailbox: account.mailbox },
    });
  }
  async function stop(accountId: number) {
    try {
      const handle = temporal.workflow.getHandle(watcherWorkflowId(accountId));
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') await handle.signal(stopWatcherSignal);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  /** The running watch's task queue, or null when none runs. */
  async function runningOn(accountId: number): Promise<string | null> {
    try {
      const description = await temporal.workflow.getHandle(watcherWorkflowId(accountId)).describe();
      return description.status.name === 'RUNNING' ? description.taskQueue : null;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }
  /**
   * The watch moves to another host: the old one is asked to stop (it logs out: never two watchers on one mailbox);
   * a host that does not answer in time (down, or no longer started with that name) has its run ended.
   */
  async function move(account: WatchedAccountRef) {
    const handle = temporal.workflow.getHandle(watcherWorkflowId(account.id));
    await stop(account.id);
    const stopped = await Promise.race([
      handle.result().then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), MOVE_GRACE_MS)),
    ]);
    if (!stopped && (await runningOn(account.id)) !== null) {
      await handle.terminate('the account moved to another host').catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
    }
    await start(account);
  }
  return {
    taskQueue: options.taskQueue,
    async sync(account, change) {
      if (change === 'deleted' || !account.active) return stop(account.id);
      const current = await runningOn(account.id);
      // A watcher that starts now reads the current settings: only a running one needs the reconfigure signal
      // (signalling a fresh one would cancel its first connection and reconnect for nothing).
      if (current === null) return start(account);
      if (current !== watcherTaskQueue(options.taskQueue, account.hostname)) return move(account);
      if (change === 'updated') await temporal.workflow.getHandle(watcherWorkflowId(account.id)).signal(reconfigureWatcherSignal);
    },
  };
}
