/** Ctrl-C or SIGTERM during a benchmark or chaos run still stops the servers and worker processes it started. */
export function stopOnInterrupt(cleanup: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: stopping what this run started…`);
      cleanup()
        .catch((error: Error) => console.error(error.message))
        .finally(() => process.exit(130));
    });
  }
}
