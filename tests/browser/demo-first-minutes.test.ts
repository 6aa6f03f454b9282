/**
 * A newcomer's first minutes, as CI runs them: a clean clone of this checkout's HEAD, `npm start` until the banner,
 * `npm run demo:mail`, then in Chromium a demo agent sees an offer on the desk and accepts it, and the admin drops
 * more samples from the demo account's button. Deleting the demo account stops its mailbox and SMTP capture, and a
 * restart leaves them stopped.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { freePort, isPortOpen, waitFor } from '../../scripts/services/process-tools';
import { findProcesses, freeStartPorts, NpmStart, startEnvironment, type StartPorts } from '../integration/npm-start-support';
import { testEnvironment } from '../support/test-environment';
import { accessibilityViolations, launchChromium, logIn, openPage } from './browser';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const READY = /Press Ctrl\+C to stop\./;
// Not under .data (the run directory): Express serves no file whose path has a dot-directory, the web client included.
const base = path.join(os.tmpdir(), `mailroute-first-minutes-${path.basename(testEnvironment().runDir)}-${process.pid}`);
const clone = path.join(base, 'clone');
const dataDir = path.join(base, 'data');

let ports: StartPorts & { imap: number; smtp: number };
let env: NodeJS.ProcessEnv;
let browser: Browser;
const runs: NpmStart[] = [];
let banner = '';

async function startUntilBanner(): Promise<NpmStart> {
  const started = new NpmStart(env, clone);
  runs.push(started);
  await started.waitForOutput(READY, 240_000);
  return started;
}

async function stop(started: NpmStart): Promise<void> {
  process.kill(-started.pid, 'SIGINT');
  await started.waitForExit(90_000);
}

/** The admin's bearer token (the password `npm start` kept in the data directory). */
async function adminToken(): Promise<string> {
  const password = (await run('cat', [path.join(dataDir, 'admin-password')])).stdout.trim();
  const answer = await fetch(`http://127.0.0.1:${ports.api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@mailroute.local', password }),
  });
  return ((await answer.json()) as { token: string }).token;
}

function demoProcesses(): string[] {
  return findProcesses({ dataDir })
    .map((proc) => proc.command)
    .filter((command) => /dovecot/.test(command));
}

beforeAll(async () => {
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  chmodSync(base, 0o755); // Dovecot's and PostgreSQL's users pass through to their directories
  let since = Date.now();
  // What CI does: a clone of HEAD. The installed packages are reused: `npm ci --offline` into the clone took 60 s on
  // this 2-core machine, against 5 s for the clone, this link and prisma generate.
  await run('git', ['clone', '--quiet', ROOT, clone]);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
  // To watch a test fail with a behaviour broken: FIRST_MINUTES_PATCH=<a git diff> breaks the clone, not the checkout.
  if (process.env.FIRST_MINUTES_PATCH) await run('git', ['apply', process.env.FIRST_MINUTES_PATCH], { cwd: clone });
  await run('npm', ['run', 'postinstall'], { cwd: clone });
  process.stdout.write(`[first-minutes] clone and prisma generate: ${Date.now() - since} ms\n`);
  since = Date.now();
  ports = { ...(await freeStartPorts()), imap: await freePort(), smtp: await freePort() };
  env = startEnvironment(dataDir, ports, {
    MAILROUTE_DEMO: 'on',
    MAILROUTE_DEMO_IMAP_PORT: String(ports.imap),
    MAILROUTE_DEMO_SMTP_PORT: String(ports.smtp),
    // The Temporal CLI this checkout already installed (a clean machine downloads it, with progress).
    MAILROUTE_TOOLS_DIR: process.env.MAILROUTE_TOOLS_DIR ?? path.join(ROOT, '.data', 'tools'),
  });
  browser = await launchChromium();
  await startUntilBanner();
  banner = runs[0]!.output.slice(runs[0]!.output.lastIndexOf('mailroute is running'));
  process.stdout.write(`[first-minutes] npm start to the banner: ${Date.now() - since} ms\n`);
}, 420_000);

afterAll(async () => {
  await browser?.close();
  for (const started of runs) {
    if (started.child.exitCode === null && started.child.signalCode === null) await stop(started).catch(() => undefined);
    started.killAll(dataDir);
  }
  rmSync(base, { recursive: true, force: true });
}, 120_000);

describe('the first ten minutes, from a clean clone', () => {
  it('the banner comes once everything answers: each URL, the demo logins and the variable of every port', async () => {
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const urls = {
      'Web client': `${apiUrl}/app/`,
      API: `${apiUrl}/api`,
      'Temporal UI': `http://127.0.0.1:${ports.temporalUi}`,
    };
    for (const [label, url] of Object.entries(urls)) {
      expect(banner).toMatch(new RegExp(`${label}\\s+${url.replace(/[/.]/g, '\\$&')}`));
      expect((await fetch(url)).status).toBe(200);
    }
    expect(banner).toContain(`Metrics        ${apiUrl}/metrics (API)   http://127.0.0.1:${ports.health}/metrics (worker)`);
    expect((await fetch(`${apiUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.health}/metrics`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.health}/health`)).status).toBe(200);
    for (const [name, port] of [
      ['PORT', ports.api],
      ['HEALTH_PORT', ports.health],
      ['MAILROUTE_PG_PORT', ports.postgres],
      ['MAILROUTE_TEMPORAL_PORT', ports.temporal],
      ['MAILROUTE_TEMPORAL_UI_PORT', ports.temporalUi],
      ['MAILROUTE_DEMO_IMAP_PORT', ports.imap],
      ['MAILROUTE_DEMO_SMTP_PORT', ports.smtp],
    ] as const) {
      expect(banner).toContain(`${name}=${port}`);
    }
    expect(banner.match(/Demo agent\s+\S+@demo-shop\.test \/ \S+/g)).toHaveLength(2);
  });

  it('npm run demo:mail: a demo agent sees an offer on the desk and accepts it; the admin drops more from the button', async () => {
    const dropped = await run('npm', ['run', '--silent', 'demo:mail'], { cwd: clone, env });
    expect(dropped.stdout).toContain('Dropped 3 sample emails');
    const [, email, password] = banner.match(/Demo agent\s+(\S+) \/ (\S+)/)!;
    const { page, errors, close } = await openPage(browser, `http://127.0.0.1:${ports.api}`);
    await logIn(page, email!, password!);
    await page.getByRole('button', { name: 'Go online' }).click();
    const offer = page.locator('.offer').first();
    await offer.waitFor({ timeout: 60_000 });
    expect(await offer.textContent()).toMatch(/Order #4821 has not arrived|Charged twice|delivery address/);
    expect(await accessibilityViolations(page)).toEqual([]);
    const subject = (await offer.locator('.offer-subject').textContent())!.trim();
    await offer.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('heading', { name: subject }).waitFor();
    await page.locator('.message.inbound').first().waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    // The README's picture of the demo desk: MAILROUTE_SCREENSHOTS=1 npx jest tests/browser/demo-first-minutes.test.ts
    if (process.env.MAILROUTE_SCREENSHOTS) {
      await page.screenshot({ path: path.join(ROOT, 'docs', 'screenshots', 'demo-desk-1280.png') });
    }
    await close();

    const admin = await openPage(browser, `http://127.0.0.1:${ports.api}`);
    await logIn(admin.page, 'admin@mailroute.local', (await run('cat', [path.join(dataDir, 'admin-password')])).stdout.trim());
    await admin.page.goto('/app/admin/accounts');
    const row = admin.page.getByRole('row', { name: /Demo shop support/ });
    await row.locator('.badge', { hasText: 'Demo' }).waitFor();
    await row.getByRole('button', { name: 'Drop sample emails' }).click();
    await row.getByRole('status').filter({ hasText: '3 sample emails dropped' }).waitFor();
    expect(await accessibilityViolations(admin.page)).toEqual([]);
    await admin.close();
    expect([...errors, ...admin.errors]).toEqual([]);
  });

  it('a restart reuses the demo: the same account, agents and logins', async () => {
    await stop(runs.at(-1)!);
    const again = await startUntilBanner();
    const logins = (text: string) => text.match(/Demo agent\s+\S+ \/ \S+/g);
    expect(logins(again.output)).toEqual(logins(banner));
    const auth = { authorization: `Bearer ${await adminToken()}` };
    const accounts = (await (await fetch(`http://127.0.0.1:${ports.api}/api/accounts`, { headers: auth })).json()) as {
      items: { name: string; demo: boolean }[];
    };
    expect(accounts.items.map(({ name, demo }) => ({ name, demo }))).toEqual([{ name: 'Demo shop support', demo: true }]);
  });

  it('deleting the demo account stops its mailbox and SMTP capture, and they stay stopped after a restart', async () => {
    const token = await adminToken();
    const auth = { authorization: `Bearer ${token}` };
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const demo = (await (await fetch(`${apiUrl}/api/demo`, { headers: auth })).json()) as { accountId: number };
    expect(await isPortOpen(ports.imap)).toBe(true);
    expect(demoProcesses()).not.toEqual([]);
    expect((await fetch(`${apiUrl}/api/accounts/${demo.accountId}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    await waitFor('the demo servers to stop', async () => !(await isPortOpen(ports.imap)) && !(await isPortOpen(ports.smtp)), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(demoProcesses()).toEqual([]);
    expect((await fetch(`${apiUrl}/api/demo/mail`, { method: 'POST', headers: auth })).status).toBe(404);

    await stop(runs.at(-1)!);
    const again = await startUntilBanner();
    expect(again.output).toContain('no demo: its account was deleted');
    expect(again.output).not.toMatch(/Demo agent/);
    expect(await isPortOpen(ports.imap)).toBe(false);
    expect(await isPortOpen(ports.smtp)).toBe(false);
    expect(demoProcesses()).toEqual([]);
    const accounts = await fetch(`${apiUrl}/api/accounts`, { headers: { authorization: `Bearer ${await adminToken()}` } });
    expect(((await accounts.json()) as { items: unknown[] }).items).toEqual([]);
  });
});
