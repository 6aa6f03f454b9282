/**
 * Ctrl-C or SIGTERM during a benchmark or chaos run still stops the servers and worker processes it started.
 * Returns the stop function for the run's own `finally`: whichever comes first runs it, once.
 */
export function stopOnInterrupt(cleanup: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= cleanup());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping what this run started…`);
      stop()
        .catch((error: Error) => console.error(error.message))
        .finally(() => process.exit(130));
    });
  }
  return stop;
}
