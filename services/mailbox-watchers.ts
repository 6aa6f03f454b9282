/** Starts, reconfigures and stops the mailbox watcher workflow of an account. */
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { accountKeyAttribute, stateAttribute } from '../contracts/search-attributes';
import { reconfigureWatcherSignal, stopWatcherSignal, watcherWorkflowId } from '../contracts/watch-mailbox';
import { watchMailbox } from '../workflows/watch-mailbox';

export interface WatcherControl {
  sync(account: { id: number; key: string; active: boolean; mailbox: string }, change: 'created' | 'updated' | 'deleted'): Promise<void>;
  /** Where routing workflows run (the quarantine's re-ingest starts one). */
  readonly taskQueue: string;
}

export function createWatcherControl(temporal: Client, options: { taskQueue: string; heartbeatTimeoutSeconds: number }): WatcherControl {
  async function start(account: { id: number; key: string; mailbox: string }) {
    await temporal.workflow.start(watchMailbox, {
      taskQueue: options.taskQueue,
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
  async function isRunning(accountId: number): Promise<boolean> {
    try {
      const description = await temporal.workflow.getHandle(watcherWorkflowId(accountId)).describe();
      return description.status.name === 'RUNNING';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }
  return {
    taskQueue: options.taskQueue,
    async sync(account, change) {
      if (change === 'deleted' || !account.active) return stop(account.id);
      // A watcher that starts now reads the current settings: only a running one needs the reconfigure signal
      // (signalling a fresh one would cancel its first connection and reconnect for nothing).
      if (!(await isRunning(account.id))) return start(account);
      if (change === 'updated') await temporal.workflow.getHandle(watcherWorkflowId(account.id)).signal(reconfigureWatcherSignal);
    },
  };
}
