/**
 * Browser tests' support: Debian's Chromium driven by playwright-core (installed by
 * scripts/install-tools.sh --test), and the web client built when its sources are newer than the build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function newestMtime(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

/** `npm test` builds the client first; a direct `npx jest tests/browser` builds it here when it is missing or stale. */
export function ensureWebBuild(): string {
  const webRoot = path.join(ROOT, 'dist/web');
  const index = path.join(webRoot, 'index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'web')), newestMtime(path.join(ROOT, 'domain')));
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    // NODE_ENV=production as `npm run build:web` has it (jest sets "test", which would keep Preact's dev paths).
    execFileSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', 'web/vite.config.mts'], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
  return webRoot;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-tools.sh --test (installs Debian's chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface BrowserPlatform {
  readonly platform: TestPlatform;
  readonly smtp: SmtpSink;
  readonly browser: Browser;
}

/**
 * The web client built, an SMTP capture, the platform and Chromium for the tests of one describe block (call it
 * there): started before them, closed after them. Read its fields inside the tests.
 */
export function useBrowserPlatform(options: Parameters<typeof startTestPlatform>[0] = {}): BrowserPlatform {
  let platform: TestPlatform | undefined;
  let smtp: SmtpSink | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureWebBuild();
    [smtp, platform, browser] = await Promise.all([startSmtpSink(), startTestPlatform(options), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await smtp?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the browser platform is not started yet (read it inside a test)');
    return value;
  };
  return {
    get platform() {
      return started(platform);
    },
    get smtp() {
      return started(smtp);
    },
    get browser() {
      return started(browser);
    },
  };
}

/**
 * A page at 1280×800 (the size the client is made for), failing the test on uncaught page errors and on anything
 * the Content Security Policy refused (api/security-headers.ts; Chromium reports it only on the console).
 */
export async function openPage(browser: Browser, baseUrl: string): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: baseUrl, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return { page, errors, close: () => context.close() };
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/app/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/**
 * Form controls and buttons the page shows without an accessible name (a label, aria-label or text), each
 * described by its tag and a hint. Runs in the page (as a string: the tests' tsconfig has no DOM types).
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const unnamed = [];
    for (const element of document.querySelectorAll('input, select, textarea, button, a[href]')) {
      if (element.type === 'hidden' || element.closest('[hidden]')) continue;
      const named =
        (element.labels && element.labels.length > 0) ||
        element.getAttribute('aria-label') ||
        element.getAttribute('aria-labelledby') ||
        ((element.tagName === 'BUTTON' || element.tagName === 'A') && element.textContent.trim() !== '');
      if (!named) unnamed.push(element.tagName.toLowerCase() + ' ' + (element.name || element.className || element.outerHTML.slice(0, 80)));
    }
    return unnamed;
  })()`)) as string[];
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The accessibility rules axe-core checks (WCAG 2.0/2.1 A and AA, and its best practices) that the page as shown
 * now breaks, each as "rule: what, at which elements". Run it on every view a test reaches. Evaluated through the
 * debugger protocol, so the page's Content Security Policy stays as strict as in production.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    .then((result) => result.violations.map((violation) =>
      violation.id + ': ' + violation.help + ' at ' + violation.nodes.map((node) => node.target.join(' ')).join(', ')))`)) as string[];
  return violations;
}
