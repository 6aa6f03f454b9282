import { DEFAULT_BACKOFF, nextRestartDelay } from '../../scripts/services/supervisor';
import { createStopStack, StopRequested } from '../../scripts/services/stop-stack';

describe("npm start's supervisor", () => {
  it('waits 1 s before the first restart, doubles the wait while the child keeps dying quickly, up to 30 s', () => {
    const waits: number[] = [];
    let previous: number | undefined;
    for (let death = 0; death < 8; death++) {
      previous = nextRestartDelay(previous, 2_000);
      waits.push(previous);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts again from 1 s after a healthy run (a minute or more)', () => {
    expect(nextRestartDelay(30_000, DEFAULT_BACKOFF.healthyAfterMs)).toBe(1_000);
    expect(nextRestartDelay(30_000, DEFAULT_BACKOFF.healthyAfterMs - 1)).toBe(30_000);
  });
});

describe("npm start's stop stack", () => {
  it('stops what was started newest first, and the rest even when one stop fails', async () => {
    const lines: string[] = [];
    const stack = createStopStack((line) => lines.push(line));
    const stopped: string[] = [];
    stack.started('PostgreSQL', async () => void stopped.push('PostgreSQL'));
    stack.started('Temporal', async () => {
      stopped.push('Temporal');
      throw new Error('already gone');
    });
    stack.started('API', async () => void stopped.push('API'));
    await stack.stopAll();
    expect(stopped).toEqual(['API', 'Temporal', 'PostgreSQL']);
    expect(lines).toEqual(['stopping Temporal failed: already gone']);
  });

  it('a server that finishes starting after a stop was asked is recorded, stopped, and ends the start', async () => {
    const stack = createStopStack(() => undefined);
    const stopped: string[] = [];
    stack.started('PostgreSQL', async () => void stopped.push('PostgreSQL'));
    const stopping = stack.stopAll();
    expect(() => stack.started('Temporal', async () => void stopped.push('Temporal'))).toThrow(StopRequested);
    await stopping;
    await stack.stopAll();
    expect(stopped.sort()).toEqual(['PostgreSQL', 'Temporal']);
    await stack.stopAll();
    expect(stopped).toHaveLength(2);
  });
});
