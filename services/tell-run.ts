/** Telling a routing run of something decided elsewhere (an agent's answer), through a Temporal that may be away. */
import { WorkflowNotFoundError } from '@temporalio/client';

/** How long the run is told of an answer again while Temporal cannot be reached (a restart, a network blip). */
const TELL_RUN_FOR_MS = 60_000;

/**
 * Signals the run, again and again (backing off to 5 s) for up to a minute while Temporal is away: a lost accept
 * would leave the holder unable to reply until the routing step's own timer. A run that has ended needs no news.
 */
export async function tellRun(send: () => Promise<void>, { forMs = TELL_RUN_FOR_MS, firstDelayMs = 250 } = {}): Promise<void> {
  const deadline = Date.now() + forMs;
  for (let delayMs = firstDelayMs; ; delayMs = Math.min(delayMs * 2, 5_000)) {
    try {
      return await send();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || Date.now() + delayMs > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
