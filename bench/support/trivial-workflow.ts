/** The bare engine's unit of work for the benchmark: a workflow that starts and completes, nothing else. */
export async function trivial(): Promise<string> {
  return 'done';
}
