/**
 * Step 5 of the routing story: someone holds the interaction. The holder replies and forwards (updates handled
 * beside the story, held.ts), may transfer (carried out here, one at a time), and closes.
 */
import { condition } from '@temporalio/workflow';
import type { RouteEmailResult } from '../../contracts/route-email';
import { routing } from './activities';
import { place, type PlacedRun } from './placement';
import { transfer } from './transfer';

export async function untilClosed(run: PlacedRun): Promise<RouteEmailResult> {
  while (!run.closed) {
    await condition(() => run.closed || run.transferRequest !== null);
    if (run.transferRequest !== null) {
      const request = run.transferRequest;
      run.transferRequest = null;
      await transfer(run, routing, request, {
        toAgent: (agentId, seconds) => place(run, { kind: 'agent', agentId, always: true }, seconds, 'transfer'),
        toQueues: (queueIds, seconds) => place(run, { kind: 'queues', queueIds }, seconds, 'transfer'),
      });
    }
  }
  return run.end('closed', 'closed by agent');
}
