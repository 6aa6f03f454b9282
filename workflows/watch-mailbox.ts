/**
 * One watcher per active account, cluster-wide: this workflow keeps exactly one `watchMailbox` activity
 * running (it holds the IMAP connection and heartbeats). A dead worker's watch is retried on another
 * worker once the heartbeat times out. Signals restart it with new settings or stop it.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createImapActivities } from '../activities/imap';
import { reconfigureWatcherSignal, stopWatcherSignal, watcherStatusQuery, type WatchMailboxInput } from '../contracts/watch-mailbox';

/** Rounds of the watch activity before the history is trimmed with continue-as-new. */
const ROUNDS_PER_RUN = 100;

export async function watchMailbox(input: WatchMailboxInput): Promise<string> {
  const imap = proxyActivities<ReturnType<typeof createImapActivities>>({
    // The activity returns by itself well before this; the timeout only bounds a stuck one.
    startToCloseTimeout: '1 day',
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
    // The old connection is closed before a new one opens: never two watchers on one mailbox.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 1.5, maximumInterval: '30 seconds' },
  });
  let generation = 0;
  let stopping = false;
  let current: CancellationScope | undefined;
  setHandler(reconfigureWatcherSignal, () => {
    generation += 1;
    current?.cancel();
  });
  setHandler(stopWatcherSignal, () => {
    stopping = true;
    current?.cancel();
  });
  setHandler(watcherStatusQuery, () => ({ generation, stopping }));

  for (let round = 0; round < ROUNDS_PER_RUN && !stopping; round++) {
    current = new CancellationScope();
    try {
      const result = await current.run(() => imap.watchMailbox({ accountId: input.accountId }));
      if (result.reason === 'account is not active') return `stopped: ${result.reason}`;
    } catch (error) {
      if (!isCancellation(error)) throw error;
    }
  }
  if (stopping) return 'stopped by request';
  return continueAsNew<typeof watchMailbox>(input);
}
