/**
 * The bare engine's rate on the same server, from a process of its own that runs a worker and starts the workflows
 * eagerly through that worker's connection, as the platform's worker does (bench/support/bare-engine.ts). The server's
 * CPU is measured over the same window, so its cost per workflow stands beside its cost per email.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { BareEngineResult } from '../support/bare-engine';
import { startCpuWindow, type CpuWindow, type MeasuredProcess } from '../support/proc';

export interface BareResult extends BareEngineResult {
  /** The Temporal server (and its database, on the PostgreSQL backend) over the timed window. */
  serverCpu: CpuWindow;
}

export async function bareEngineRate(address: string, count: number, inFlight: number, server: MeasuredProcess[]): Promise<BareResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve(__dirname, '../support/bare-engine.ts'), address, String(count), String(inFlight)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-10_000)));
  let window: ReturnType<typeof startCpuWindow> | undefined;
  let serverCpu: CpuWindow | undefined;
  let result: BareEngineResult | undefined;
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  for await (const line of createInterface({ input: child.stdout })) {
    const parsed = (() => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })();
    if (!parsed) continue;
    if (parsed.phase === 'measuring') window = startCpuWindow(server);
    else if (parsed.phase === 'done') serverCpu = window?.end();
    else result = parsed as unknown as BareEngineResult;
  }
  const code = await exited;
  if (code !== 0 || !result || !serverCpu) throw new Error(`the bare engine process exited with ${code}:\n${stderr}`);
  return { ...result, serverCpu };
}
