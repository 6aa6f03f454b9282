/**
 * The API's contract, walked from its own /openapi.json: the document is valid OpenAPI 3 and lists every
 * route Express serves; each role × each route is allowed or 403 (401 without a token); and malformed
 * params, queries and bodies sent to every route never produce a 5xx.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { issueToken } from '../../services/auth';
import { createStore } from '../../store';
import { startAdminApi, type AdminApi, type Role } from './admin-support';

let api: AdminApi;
let document: OpenApiDocument;
let operations: Operation[];

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { description?: string; security?: unknown[]; requestBody?: unknown; parameters?: Parameter[] }>>;
}
interface Parameter {
  name: string;
  in: 'path' | 'query';
}
interface Operation {
  method: string;
  path: string;
  documentedRoles: Role[] | 'public';
  queryNames: string[];
  bodyFields: string[];
  hasBody: boolean;
}

beforeAll(async () => {
  api = await startAdminApi();
  document = (await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApiDocument;
  operations = Object.entries(document.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: route,
      documentedRoles:
        operation.security && operation.security.length === 0
          ? ('public' as const)
          : (/Roles: ([a-z, ]+)\./.exec(operation.description ?? '')?.[1]?.split(', ') as Role[]),
      queryNames: (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
      bodyFields: Object.keys(
        ((operation.requestBody as { content?: { 'application/json'?: { schema?: { properties?: object; $ref?: string } } } })?.content?.[
          'application/json'
        ]?.schema?.properties ?? {}) as object,
      ),
      hasBody: operation.requestBody !== undefined,
    })),
  );
});
afterAll(async () => {
  await api?.close();
});

/** The admin API's role matrix, as designed. Other routes are checked against their documented roles. */
const ADMIN_API_ROLES: Record<string, Role[]> = {
  'POST /api/auth/login': [],
  'POST /api/users': ['admin'],
  'GET /api/users': ['admin', 'supervisor'],
  'GET /api/users/{id}': ['admin', 'supervisor'],
  'PATCH /api/users/{id}': ['admin'],
  'DELETE /api/users/{id}': ['admin'],
  'GET /api/me': ['admin', 'supervisor', 'agent'],
  'PUT /api/me/presence': ['admin', 'supervisor', 'agent'],
  'POST /api/queues': ['admin'],
  'GET /api/queues': ['admin', 'supervisor'],
  'GET /api/queues/{id}': ['admin', 'supervisor'],
  'PATCH /api/queues/{id}': ['admin'],
  'DELETE /api/queues/{id}': ['admin'],
  'GET /api/queues/{id}/members': ['admin', 'supervisor'],
  'PUT /api/queues/{id}/members': ['admin'],
  'POST /api/accounts': ['admin'],
  'GET /api/accounts': ['admin', 'supervisor', 'agent'],
  'GET /api/accounts/{id}': ['admin', 'supervisor', 'agent'],
  'PATCH /api/accounts/{id}': ['admin'],
  'DELETE /api/accounts/{id}': ['admin'],
  'POST /api/accounts/{id}/verify-smtp': ['admin'],
  'GET /api/accounts/{id}/agents': ['admin', 'supervisor'],
  'PUT /api/accounts/{id}/agents': ['admin'],
  'GET /api/accounts/{id}/queues': ['admin', 'supervisor'],
  'PUT /api/accounts/{id}/queues': ['admin'],
  'POST /api/accounts/{id}/dispositions': ['admin'],
  'GET /api/accounts/{id}/dispositions': ['admin', 'supervisor', 'agent'],
  'GET /api/accounts/{id}/dispositions/{childId}': ['admin', 'supervisor', 'agent'],
  'PATCH /api/accounts/{id}/dispositions/{childId}': ['admin'],
  'DELETE /api/accounts/{id}/dispositions/{childId}': ['admin'],
  'GET /api/accounts/{id}/canned-answers': ['admin', 'supervisor', 'agent'],
  'PUT /api/accounts/{id}/action-plan': ['admin'],
  'GET /api/accounts/{id}/action-plan': ['admin', 'supervisor'],
  'GET /api/accounts/{id}/action-plan/versions': ['admin', 'supervisor'],
  'GET /api/accounts/{id}/action-plan/versions/{childId}': ['admin', 'supervisor'],
  'GET /api/settings': ['admin', 'supervisor'],
  'PATCH /api/settings': ['admin'],
  'POST /api/pause-statuses': ['admin'],
  'GET /api/pause-statuses': ['admin', 'supervisor', 'agent'],
  'GET /api/pause-statuses/{id}': ['admin', 'supervisor', 'agent'],
  'PATCH /api/pause-statuses/{id}': ['admin'],
  'DELETE /api/pause-statuses/{id}': ['admin'],
  'POST /api/canned-answers': ['admin', 'supervisor'],
  'GET /api/canned-answers': ['admin', 'supervisor'],
  'GET /api/canned-answers/{id}': ['admin', 'supervisor'],
  'PATCH /api/canned-answers/{id}': ['admin', 'supervisor'],
  'DELETE /api/canned-answers/{id}': ['admin', 'supervisor'],
  'POST /api/contact-lists': ['admin'],
  'GET /api/contact-lists': ['admin', 'supervisor'],
  'GET /api/contact-lists/{id}': ['admin', 'supervisor'],
  'PATCH /api/contact-lists/{id}': ['admin'],
  'DELETE /api/contact-lists/{id}': ['admin'],
  'POST /api/contact-lists/{id}/contacts': ['admin', 'supervisor'],
  'GET /api/contact-lists/{id}/contacts': ['admin', 'supervisor'],
  'GET /api/contact-lists/{id}/contacts/{childId}': ['admin', 'supervisor'],
  'PATCH /api/contact-lists/{id}/contacts/{childId}': ['admin', 'supervisor'],
  'DELETE /api/contact-lists/{id}/contacts/{childId}': ['admin', 'supervisor'],
  'POST /api/tokens': ['admin', 'supervisor', 'agent'],
  'GET /api/tokens': ['admin', 'supervisor', 'agent'],
  'DELETE /api/tokens/{id}': ['admin', 'supervisor', 'agent'],
};

/** Ids that exist nowhere, so no request of these tests touches another test's rows. */
const ABSENT_ID = '2147483000';

/** Status only: streaming routes (server-sent events, downloads) are not read to the end. */
async function statusOf(method: string, url: string, token: string | undefined, body?: string): Promise<number> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    const response = await fetch(url, {
      method,
      signal: controller.signal,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    await response.body?.cancel();
    return response.status;
  } finally {
    clearTimeout(timer);
  }
}

const concrete = (route: string, value = ABSENT_ID) => route.replace(/\{[^}]+\}/g, value);

test('/openapi.json validates as OpenAPI 3', async () => {
  const script = `import { Validator } from '@seriousme/openapi-schema-validator';
let text = ''; process.stdin.on('data', (chunk) => (text += chunk)).on('end', async () => {
  const result = await new Validator().validate(JSON.parse(text));
  process.stdout.write(JSON.stringify(result));
});`;
  const output = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: path.resolve(__dirname, '../..') },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
    child.stdin!.end(JSON.stringify(document));
  });
  const result = JSON.parse(output) as { valid: boolean; errors?: unknown };
  expect(result.errors).toBeUndefined();
  expect(result.valid).toBe(true);
  expect(document.openapi).toMatch(/^3\./);
  expect((await fetch(`${api.url}/docs`)).status).toBe(200);
});

test('/openapi.json lists every route Express serves, and nothing else', () => {
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }
  const stack = (api.app as unknown as { router: { stack: Layer[] } }).router.stack;
  const apiRouter = stack.find((layer) => layer.handle?.stack?.some((inner) => inner.route));
  // Layers without a route are middleware (the OPTIONS answer), not routes.
  const served = apiRouter!.handle!.stack!.flatMap((layer) =>
    Object.keys(layer.route?.methods ?? {}).map((method) => `${method.toUpperCase()} /api${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`),
  );
  const documented = operations.map((operation) => `${operation.method} ${operation.path}`);
  expect(served.length).toBeGreaterThan(50);
  expect([...documented].sort()).toEqual([...served].sort());
  for (const route of Object.keys(ADMIN_API_ROLES)) expect(documented).toContain(route);
});

const ENDS_SESSION = new Set(['POST /api/auth/logout', 'PUT /api/me/password']);

async function freshSession(role: Role): Promise<string> {
  return (await issueToken(createStore(api.db).tokens, { userId: api.users[role].id, name: 'login' })).token;
}

test('role matrix: each role × each route is allowed or 403, and 401 without a token', async () => {
  const failures: string[] = [];
  for (const operation of operations) {
    const key = `${operation.method} ${operation.path}`;
    const expected = ADMIN_API_ROLES[key] ?? operation.documentedRoles;
    const isPublic = expected === 'public' || (Array.isArray(expected) && expected.length === 0);
    if (!isPublic && expected !== operation.documentedRoles && JSON.stringify(expected) !== JSON.stringify(operation.documentedRoles))
      failures.push(`${key}: documented ${JSON.stringify(operation.documentedRoles)}, designed ${JSON.stringify(expected)}`);
    const url = `${api.url}${concrete(operation.path)}`;
    const body = operation.hasBody ? '{}' : undefined;
    if (!isPublic) {
      const anonymous = await statusOf(operation.method, url, undefined, body);
      if (anonymous !== 401) failures.push(`${key} without a token: ${anonymous}, expected 401`);
    }
    for (const role of ['admin', 'supervisor', 'agent'] as const) {
      // Logging out (or changing one's password) ends the session it is called with: those get a session of their own.
      const token = ENDS_SESSION.has(key) ? await freshSession(role) : api.users[role].token;
      const status = await statusOf(operation.method, url, token, body);
      const allowed = isPublic || (expected as Role[]).includes(role);
      if (allowed && (status === 401 || status === 403 || status >= 500)) failures.push(`${key} as ${role}: ${status}, expected allowed`);
      if (!allowed && status !== 403) failures.push(`${key} as ${role}: ${status}, expected 403`);
    }
  }
  expect(failures).toEqual([]);
});

/** JSON values that are wrong in type or range, but never small positive integers (they could name real rows). */
const malformedValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('', ' ', '\u0000', 'a\r\nb', '💥', '-1', '1e309', 'null', 'true', '{"x":1}', '../..', '%00', 'x'.repeat(3000)),
    fc.integer({ min: -(2 ** 31), max: 0 }),
    fc.constantFrom(2 ** 31, 2 ** 53, -(2 ** 53), 1.5, 1e308, -0),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !(Number.isInteger(value) && value > 0 && value < 2 ** 31)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 10 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const malformedPathValue = fc.oneof(
  fc.constantFrom('0', '-1', '1.5', '2147483648', '99999999999999999999', 'abc', '%00', '%E0%A4%A', '%20', 'null', ABSENT_ID, '1e30'),
  // Never a plausible id (a number that could name a real row of a parallel test), whatever its spelling.
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((value) => !(Number(value) > 0 && Number(value) < 2 ** 31))
    .map(encodeURIComponent),
);

test('fuzz: malformed params, queries and bodies on every route never yield a 5xx', async () => {
  const failures: string[] = [];
  for (const operation of operations) {
    await fc.assert(
      fc.asyncProperty(
        malformedPathValue,
        fc.dictionary(fc.constantFrom(...operation.queryNames, 'limit', 'cursor', 'x'), fc.string({ maxLength: 30 }), { maxKeys: 4 }),
        fc.oneof(
          fc.dictionary(fc.constantFrom(...operation.bodyFields, 'unknown'), malformedValue, { maxKeys: 5 }),
          malformedValue.map((value) => ({ value })),
          fc.constantFrom('{', '[1,2', 'not json', '"text"', 'null', '[]', '123', '{"a":"\\ud800"}', '{"__proto__":{"x":1}}'),
        ),
        fc.constantFrom<Role>('admin', 'supervisor', 'agent'),
        async (pathValue, query, body, role) => {
          const search = new URLSearchParams(query).toString();
          const url = `${api.url}${concrete(operation.path, pathValue)}${search ? `?${search}` : ''}`;
          const text = typeof body === 'string' ? body : JSON.stringify(body);
          const token = ENDS_SESSION.has(`${operation.method} ${operation.path}`) ? await freshSession(role) : api.users[role].token;
          const status = await statusOf(operation.method, url, token, operation.method === 'GET' ? undefined : text);
          if (status >= 500) failures.push(`${operation.method} ${url} body ${text.slice(0, 200)} as ${role}: ${status}`);
          return status < 500;
        },
      ),
      { numRuns: 25, endOnFailure: true },
    );
  }
  expect(failures).toEqual([]);
  const unexpected = api.logs.filter((line) => line.includes('unhandled error in request'));
  expect(unexpected).toEqual([]);
});

test('an oversized body is a 413 problem, not a 5xx', async () => {
  const status = await statusOf(
    'POST',
    `${api.url}/api/accounts`,
    api.users.admin.token,
    JSON.stringify({ name: 'x'.repeat(11 * 1024 * 1024) }),
  );
  expect(status).toBe(413);
});
