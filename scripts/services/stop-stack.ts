/**
 * What a start has brought up so far, stopped in reverse order: after a start that failed half-way, or on a signal
 * at any moment (during the start too).
 */
export class StopRequested extends Error {
  constructor() {
    super('stop requested during start-up');
  }
}

export interface StopStack {
  /** Records something started. When a stop was requested meanwhile, throws StopRequested: start no more. */
  started(name: string, stop: () => Promise<void>): void;
  /** Stops everything recorded (newest first), once each; a failure is logged and the rest still stop. */
  stopAll(): Promise<void>;
  readonly stopRequested: boolean;
}

export function createStopStack(log: (line: string) => void): StopStack {
  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  let requested = false;
  let draining: Promise<void> | undefined;

  const drain = (): Promise<void> =>
    (draining ??= (async () => {
      for (let next = stops.pop(); next; next = stops.pop()) {
        try {
          await next.stop();
        } catch (error) {
          log(`stopping ${next.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })().finally(() => {
      draining = undefined;
    }));

  return {
    started(name, stop) {
      stops.push({ name, stop });
      if (requested) throw new StopRequested();
    },
    async stopAll() {
      requested = true;
      // Something recorded while a drain was finishing waits for the next one.
      do await drain();
      while (stops.length > 0);
    },
    get stopRequested() {
      return requested;
    },
  };
}
