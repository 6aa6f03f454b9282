/**
 * A workflow's answer as the API waits for it: at most a bounded time, so a request never hangs on a worker that is
 * busy or down. When the time is up, the poll for the answer is stopped too: left behind, it would go on until the
 * workflow ends (and crash the process once its Temporal connection has closed).
 */
import type { Client } from '@temporalio/client';

/** The answer, or null when it did not come within `ms`. */
export async function answerWithin<T>(temporal: Client, ms: number, answer: () => Promise<T>): Promise<T | null> {
  const stopWaiting = new AbortController();
  const result = temporal.withAbortSignal(stopWaiting.signal, answer);
  result.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([result, waited]);
  } finally {
    clearTimeout(timer);
    stopWaiting.abort();
  }
}
