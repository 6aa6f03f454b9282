/**
 * Replays committed workflow histories, recorded from real runs, against the current workflow code.
 * A change that would break workflows in flight (a reordered activity, a removed timer…) fails here.
 * Record a new one: see README ("Replay tests").
 */
import { Worker } from '@temporalio/worker';
import { recordedHistories } from '../support/histories';
import { testEnvironment } from '../support/test-environment';

const recorded = recordedHistories();

describe('replay of recorded workflow histories', () => {
  it('replays every committed history without nondeterminism', async () => {
    expect(recorded.length).toBeGreaterThan(0);
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: testEnvironment().workflowBundlePath } },
      recorded,
    )) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(recorded.length);
  });
});
