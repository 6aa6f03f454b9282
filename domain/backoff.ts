/** Reconnect delay after `failures` consecutive failures: 2 s × 1.5ⁿ, capped at 30 s, with ±20 % jitter. */
export function nextReconnectDelayMs(failures: number, random: () => number): number {
  const base = Math.min(30_000, 2_000 * 1.5 ** Math.max(0, failures - 1));
  const jitter = 1 + (random() * 0.4 - 0.2);
  return Math.round(Math.min(30_000, base * jitter));
}
