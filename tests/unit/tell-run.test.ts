/** A run is told of an answer again while Temporal is away, and no longer once the run has ended or time is up. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { tellRun } from '../../services/tell-run';

describe('telling a run', () => {
  it('tries again until the signal goes through', async () => {
    let calls = 0;
    await tellRun(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('14 UNAVAILABLE: connection refused');
      },
      { firstDelayMs: 1 },
    );
    expect(calls).toBe(3);
  });

  it('stops at once when the run has ended', async () => {
    let calls = 0;
    await tellRun(
      async () => {
        calls += 1;
        throw new WorkflowNotFoundError('gone', 'route-email-1', undefined);
      },
      { firstDelayMs: 1 },
    );
    expect(calls).toBe(1);
  });

  it('gives up when its time is up', async () => {
    let calls = 0;
    const started = Date.now();
    await tellRun(
      async () => {
        calls += 1;
        throw new Error('14 UNAVAILABLE');
      },
      { forMs: 50, firstDelayMs: 10 },
    );
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
