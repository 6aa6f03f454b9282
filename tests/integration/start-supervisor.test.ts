/**
 * `npm start` supervises the platform: a worker that dies comes back while the API keeps answering, and Ctrl-C or
 * SIGTERM stops every process it started (worker, API, PostgreSQL, the Temporal dev server), every time. Each run is
 * a real `npm start` in a process group of its own, on one scratch data directory (its PostgreSQL cluster and
 * Temporal database are reused from run to run) and free ports.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { testEnvironment } from '../support/test-environment';
import {
  findProcesses,
  freeStartPorts,
  NpmStart,
  readableByOthers,
  startEnvironment,
  stillRunning,
  type StartPorts,
} from './npm-start-support';

const READY = /mailroute is running/;
const dataDir = path.join(testEnvironment().runDir, `npm-start-${process.pid}`);

const runs: NpmStart[] = [];

// Last resort for a failed test: nothing of a run may outlive the file.
afterAll(() => {
  for (const run of runs) {
    if (process.env.DEBUG_NPM_START) console.log(run.output);
    run.killAll(dataDir);
  }
});

async function start(extra: NodeJS.ProcessEnv = {}): Promise<{ run: NpmStart; ports: StartPorts }> {
  const ports = await freeStartPorts();
  const run = new NpmStart(startEnvironment(dataDir, ports, extra));
  runs.push(run);
  return { run, ports };
}

async function startUntilReady(): Promise<{ run: NpmStart; ports: StartPorts }> {
  const started = await start();
  await started.run.waitForOutput(READY, 180_000);
  return started;
}

function describeProcesses(run: NpmStart) {
  const processes = findProcesses({ dataDir, roots: [run.pid] });
  const commands = processes.map((proc) => proc.command).join('\n');
  return { processes, commands };
}

/** Sends the stop, then proves every process of the run is gone (PostgreSQL backends included). */
async function expectStopLeavesNothing(run: NpmStart, stop: () => void): Promise<void> {
  const { processes, commands } = describeProcesses(run);
  expect(commands).toMatch(/postgres/);
  expect(commands).toMatch(/temporal.*server start-dev/);
  expect(commands).toMatch(/worker\.ts/);
  stop();
  await run.waitForExit(90_000);
  const deadline = Date.now() + 10_000;
  while (stillRunning(processes).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(stillRunning(processes).map((proc) => proc.command)).toEqual([]);
  expect(findProcesses({ dataDir }).map((proc) => proc.command)).toEqual([]);
  expect(run.output).not.toMatch(/IllegalStateError|Not running\. Current state/);
  // Each process stopped on its own signal: none had to be killed after the supervisor's timeout.
  expect(run.output).not.toMatch(/did not stop within/);
}

function workerProcess(run: NpmStart) {
  return findProcesses({ dataDir, roots: [run.pid] }).find((proc) => /node\b.*worker\.ts/.test(proc.command));
}

/** GETs /health every 100 ms until stopped; every answer that is not a 200 (or no answer) is recorded. */
function pollApi(baseUrl: string) {
  const failures: string[] = [];
  let polls = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      polls += 1;
      try {
        const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
        if (response.status !== 200) failures.push(`${new Date().toISOString()} ${response.status} ${await response.text()}`);
        else await response.arrayBuffer();
      } catch (error) {
        failures.push(`${new Date().toISOString()} ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    failures,
    polls: () => polls,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe('npm start supervises the platform', () => {
  let platform: { run: NpmStart; ports: StartPorts } | undefined;

  it('brings a worker killed with SIGKILL back within seconds while the API answers throughout', async () => {
    platform = await startUntilReady();
    const { run, ports } = platform;
    // Its data directory (secrets, PostgreSQL, Temporal's database) is readable by its owner only.
    expect(readableByOthers(dataDir)).toEqual([]);
    const killed = workerProcess(run);
    if (!killed) throw new Error(`no worker process found:\n${describeProcesses(run).commands}`);
    const outputBefore = run.output.length;
    const api = pollApi(`http://127.0.0.1:${ports.api}`);
    let respawnedAfterMs = Infinity;
    try {
      process.kill(killed.pid, 'SIGKILL');
      const killedAt = Date.now();
      let replacement = workerProcess(run);
      while ((!replacement || replacement.key === killed.key) && Date.now() - killedAt < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        replacement = workerProcess(run);
      }
      if (replacement && replacement.key !== killed.key) respawnedAfterMs = Date.now() - killedAt;
      // The new worker serves: its health endpoint answers 200 once it polls Temporal again.
      for (let healthy = false; !healthy;) {
        if (Date.now() - killedAt > 90_000) throw new Error(`the new worker did not report healthy:\n${run.output}`);
        healthy = await fetch(`http://127.0.0.1:${ports.health}/health`)
          .then((response) => response.ok)
          .catch(() => false);
        if (!healthy) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await api.stop();
    }

    expect(respawnedAfterMs).toBeLessThan(5_000);
    expect(api.polls()).toBeGreaterThan(5);
    expect(api.failures).toEqual([]);
    expect(run.output.slice(outputBefore)).toMatch(/worker exited.*SIGKILL.*restart/i);
  }, 300_000);

  it("stops everything on SIGTERM to npm's pid, even with a live event stream open", async () => {
    if (!platform) throw new Error('needs the platform of the previous test');
    const { run, ports } = platform;
    const api = `http://127.0.0.1:${ports.api}`;
    const password = readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
    const login = await fetch(`${api}/api/auth/login`, {
      signal: AbortSignal.timeout(30_000),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@mailroute.local', password }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const stream = await fetch(`${api}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected');
    const streamEnded = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })().catch(() => true);
    try {
      await expectStopLeavesNothing(run, () => process.kill(run.pid, 'SIGTERM'));
      expect(await streamEnded).toBe(true);
    } finally {
      platform = undefined;
      await reader.cancel().catch(() => undefined);
    }
  }, 180_000);

  // Three in the suite; MAILROUTE_CTRL_C_RUNS=10 for the ten out of ten.
  const ctrlCRuns = Number(process.env.MAILROUTE_CTRL_C_RUNS ?? 3);
  it(
    `stops everything on Ctrl-C (SIGINT to the process group), ${ctrlCRuns} times out of ${ctrlCRuns}`,
    async () => {
      for (let attempt = 1; attempt <= ctrlCRuns; attempt++) {
        const { run } = await startUntilReady();
        await expectStopLeavesNothing(run, () => process.kill(-run.pid, 'SIGINT'));
        expect(run.output).toMatch(/worker exited with code 0/);
      }
    },
    ctrlCRuns * 200_000,
  );

  it('stops the servers it already started when a start fails half-way', async () => {
    const { run, ports } = await start();
    // Someone else holds the API's port: PostgreSQL and Temporal are up by the time the API fails to listen.
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.api, '127.0.0.1', resolve));
    try {
      const exit = await run.waitForExit(180_000);
      expect(exit.code).not.toBe(0);
      expect(run.output).toMatch(/EADDRINUSE/);
      expect(run.output).toMatch(/PostgreSQL|Temporal/);
      const deadline = Date.now() + 10_000;
      while (findProcesses({ dataDir }).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(findProcesses({ dataDir }).map((proc) => proc.command)).toEqual([]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 240_000);
});
