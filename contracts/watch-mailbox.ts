/**
 * The mailbox watcher's contract: one `watchMailbox` workflow per active account, named by the account id, told to
 * restart with new settings or to stop. Sandbox-safe (the workflow imports it too).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export function watcherWorkflowId(accountId: number): string {
  return `watch-account-${accountId}`;
}

export interface WatchMailboxInput {
  accountId: number;
  heartbeatTimeoutSeconds: number;
}

/** The account's settings changed: the watch restarts with them. */
export const reconfigureWatcherSignal = defineSignal('reconfigureWatcher');
/** The account was deactivated or deleted: the watch ends. */
export const stopWatcherSignal = defineSignal('stopWatcher');
export const watcherStatusQuery = defineQuery<{ generation: number; stopping: boolean }>('watcherStatus');
