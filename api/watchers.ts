/** Starts, reconfigures and stops the mailbox watcher workflow of an account. */
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { watcherWorkflowId } from '../workflows/ids';
import { accountKeyAttribute, stateAttribute } from '../workflows/search-attributes';
import { reconfigureWatcherSignal, stopWatcherSignal } from '../workflows/watch-mailbox';

export interface WatcherControl {
  sync(account: { id: number; key: string; active: boolean; mailbox: string }, change: 'created' | 'updated' | 'deleted'): Promise<void>;
}

export function createWatcherControl(temporal: Client, options: { taskQueue: string; heartbeatTimeoutSeconds: number }): WatcherControl {
  async function start(account: { id: number; key: string; mailbox: string }) {
    await temporal.workflow.start('watchMailbox', {
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
  return {
    async sync(account, change) {
      if (change === 'deleted' || !account.active) return stop(account.id);
      await start(account);
      if (change === 'updated') await temporal.workflow.getHandle(watcherWorkflowId(account.id)).signal(reconfigureWatcherSignal);
    },
  };
}
