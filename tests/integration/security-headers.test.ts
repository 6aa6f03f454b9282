/**
 * Every answer of the API process (the API, the web client at /app, the OpenAPI docs, errors) carries the security
 * headers a review expects, and the pages still work under their Content Security Policy in a real browser.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ensureWebBuild, launchChromium } from '../browser/browser';
import { startAdminApi, unique, type AdminApi } from './admin-support';

let api: AdminApi;
let browser: Browser;
let webRoot: string;

beforeAll(async () => {
  webRoot = ensureWebBuild();
  [api, browser] = await Promise.all([startAdminApi(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

function get(route: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${api.url}${route}`, { redirect: 'manual', ...init });
}

function expectSecurityHeaders(response: Response, route: string): void {
  const headers = Object.fromEntries(response.headers);
  const csp = headers['content-security-policy'] ?? '';
  expect({ route, csp }).toEqual({ route, csp: expect.stringContaining("frame-ancestors 'none'") });
  expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
  expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
  expect(csp).toMatch(/(^|; )object-src 'none'(;|$)/);
  expect(csp).toMatch(/(^|; )base-uri 'none'(;|$)/);
  expect(headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
}

describe('security headers', () => {
  it('are on every answer: API (success, 401, 404, 400), health, OpenAPI document, docs, web client, errors', async () => {
    const admin = { authorization: `Bearer ${api.users.admin.token}` };
    const answers: Array<[string, Response]> = [
      ['GET /api/me', await get('/api/me', { headers: admin })],
      ['GET /api/queues', await get('/api/queues', { headers: admin })],
      ['GET /api/me without a token', await get('/api/me')],
      ['GET /api/nothing-here', await get('/api/nothing-here', { headers: admin })],
      [
        'POST /api/queues with a bad body',
        await get('/api/queues', { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: '{"name":' }),
      ],
      ['GET /health', await get('/health')],
      ['GET /openapi.json', await get('/openapi.json')],
      ['GET /docs', await get('/docs')],
      ['GET /', await get('/')],
      ['GET /app/', await get('/app/')],
      ['GET /app/agent/offers (client route)', await get('/app/agent/offers')],
      ['GET /nothing-here', await get('/nothing-here')],
    ];
    expect(answers.map(([route, response]) => [route, response.status])).toEqual([
      ['GET /api/me', 200],
      ['GET /api/queues', 200],
      ['GET /api/me without a token', 401],
      ['GET /api/nothing-here', 404],
      ['POST /api/queues with a bad body', 400],
      ['GET /health', 200],
      ['GET /openapi.json', 200],
      ['GET /docs', 200],
      ['GET /', 302],
      ['GET /app/', 200],
      ['GET /app/agent/offers (client route)', 200],
      ['GET /nothing-here', 404],
    ]);
    for (const [route, response] of answers) {
      expectSecurityHeaders(response, route);
      await response.arrayBuffer();
    }
    // Answers carry personal data: neither the browser nor a proxy keeps them.
    for (const [route, response] of answers.filter(([route]) => !route.startsWith('GET /app'))) {
      expect({ route, cacheControl: response.headers.get('cache-control') }).toEqual({ route, cacheControl: 'no-store' });
    }
  });

  it('lets hashed web assets be cached for good, with the same headers', async () => {
    const [script] = readdirSync(path.join(webRoot, 'assets')).filter((file) => file.endsWith('.js'));
    const response = await get(`/app/assets/${script}`);
    expect(response.status).toBe(200);
    expectSecurityHeaders(response, script!);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await response.arrayBuffer();
  });

  it('leave the docs page with no inline script for the policy to block', async () => {
    const html = await (await get('/docs')).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/docs\//);
      expect(body!.trim()).toBe('');
    }
  });

  it('the docs and the web client work in Chromium under the policy, with no violation reported', async () => {
    const context = await browser.newContext({ baseURL: api.url });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    try {
      await page.goto('/docs');
      // Swagger UI rendered the document: its title and the operations' tags.
      await page.getByText('mailroute API', { exact: false }).first().waitFor({ timeout: 30_000 });
      await page.locator('.opblock-tag').first().waitFor({ timeout: 30_000 });

      const email = `csp-${unique()}@admin-test.invalid`;
      const password = `pw-${unique()}-long-enough`;
      const created = await api.users.admin.call('POST', '/api/users', { name: 'CSP check', email, password, role: 'admin' });
      expect(created.status).toBe(201);
      await page.goto('/app/');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});
