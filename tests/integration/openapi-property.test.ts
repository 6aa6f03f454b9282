/**
 * The API checked against its own document: requests generated from /openapi.json for every operation — valid ones,
 * and ones broken in exactly one place — sent to a real API over real PostgreSQL and Temporal. No answer is a 5xx;
 * every answer is a status the document lists for the operation, with a body its schema accepts; a valid request is
 * accepted (its success, or a 404/409/412/401/429 that the state before it explains: openapi-semantics.ts); a broken
 * one is a 400 naming the field it broke (or a 413). Each run is seeded: the seed is printed, and
 * MAILROUTE_PROPERTY_SEED=<seed> replays it (MAILROUTE_PROPERTY_RUNS sets the runs per operation and kind,
 * MAILROUTE_PROPERTY_ONLY a pattern of the operations to run, e.g. 'POST /api/users').
 */
import fc from 'fast-check';
import { htmlToPlainText } from '../../platform/html-text';
import { sanitizeEmailHtml } from '../../platform/sanitize';
import { applyMigrations } from '../../prisma/migrate';
import { issueToken } from '../../services/auth';
import { createStore } from '../../store';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startAdminApi, type AdminApi } from './admin-support';
import { brokenValues, remove, replaced, spotsOf, validArbitrary, type Spot } from './openapi-arbitraries';
import { createWorld, pathIds, worldPassword, type World } from './api-world';
import { fillPath, readOpenApi, send, type DocumentReader, type Operation, type Sent } from './openapi-document';
import { conflictReason, everyNamedIdExists, pathNamesWhatExists, repaired, worldOverride, type Knowledge } from './openapi-semantics';

const SEED = Number(process.env.MAILROUTE_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.MAILROUTE_PROPERTY_RUNS ?? 10);
/** Operations that hash a password (scrypt at its production cost): fewer runs keep the test within its time. */
const HASHING = new Set(['POST /api/auth/login', 'POST /api/users', 'PATCH /api/users/{id}', 'PUT /api/me/password']);

/** Operations that read: they share one world. The others each get a fresh one, since they change (or delete) it. */
const READS = new Set(['POST /api/interactions/search', 'POST /api/interactions/export', 'POST /api/accounts/{id}/verify-smtp']);
/** Operations that end the session they are called with: each request gets a session of its own. */
const ENDS_SESSION = new Set(['POST /api/auth/logout', 'PUT /api/me/password']);
/** Query values a run needs whatever else is generated: no worker runs here, so a re-ingest answers 202 at once. */
const REPORT_RANGE = { from: '2026-01-01', to: '2026-01-31', format: 'json' };
const FIXED_QUERY: Record<string, Record<string, string>> = {
  'POST /api/quarantine/{id}/reingest': { wait: '0' },
  // A range of at most a year, from before to; JSON, as documented (CSV is the same figures on request).
  'GET /api/reports/summary': REPORT_RANGE,
  'GET /api/reports/agents': REPORT_RANGE,
  'GET /api/reports/queues': REPORT_RANGE,
};
/** Operations that act for the world's agent (their offers, their password); the others are asked by an admin. */
const AS_AGENT = new Set(['POST /api/offers/{id}/accept', 'POST /api/offers/{id}/reject', 'PUT /api/me/password']);

interface Generated {
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  /** For a broken request: the field the answer must name ('' when any will do). */
  broken?: string;
}

let scratch: ScratchDatabase;
let api: AdminApi;
let reader: DocumentReader;
let password: { password: string; hash: string };
let shared: World;

beforeAll(async () => {
  // A database of its own: the test deletes, renames and throttles logins, which no other test must see.
  scratch = await createScratchDatabase('openapi_property');
  await applyMigrations({ databaseUrl: scratch.url, log: () => undefined });
  api = await startAdminApi({ databaseUrl: scratch.url });
  reader = await readOpenApi(api.url);
  password = await worldPassword();
  shared = await createWorld(api.db, api.url, password);
});
afterAll(async () => {
  await api?.close();
  await scratch?.drop();
});

async function running(workflowId: string): Promise<boolean> {
  try {
    return (await api.temporal.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch {
    return false;
  }
}

function validRequest(operation: Operation, knowledge: Knowledge): fc.Arbitrary<Generated> {
  const override = worldOverride(operation, knowledge);
  const ids = pathIds(operation, knowledge.world);
  const path = fc.record(
    Object.fromEntries(
      Object.entries(ids).map(([name, id]) => [
        name,
        fc.oneof({ weight: 6, arbitrary: fc.constant(String(id)) }, fc.constant('2147483000')),
      ]),
    ),
  );
  const parameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const query = fc.record(
    Object.fromEntries(
      parameters.map((parameter) => [parameter.name, validArbitrary(reader, parameter.schema, override, [parameter.name]).map(String)]),
    ),
    { requiredKeys: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name) },
  ) as fc.Arbitrary<Record<string, string>>;
  const ifMatch = operation.parameters.some((parameter) => parameter.in === 'header' && parameter.name === 'if-match');
  const headers = ifMatch
    ? fc
        .option(fc.constantFrom('"stale"', '*', 'W/"2020-01-01T00:00:00.000Z"'), { nil: undefined })
        .map((value) => (value === undefined ? {} : { 'if-match': value }))
    : fc.constant({});
  const body = operation.body
    ? validArbitrary(reader, operation.body, override).map((value) => repaired(operation, value, reader))
    : fc.constant(undefined);
  const fixed = FIXED_QUERY[operation.key] ?? {};
  return fc.record({ path, query: query.map((values) => ({ ...values, ...fixed })), headers, body }).filter((request) => {
    if (request.body === undefined) return true;
    // A repair must leave the body valid by the document (else the generator, not the API, is wrong).
    const problem = reader.problem(operation.body!, request.body);
    if (problem) throw new Error(`${operation.key}: generated an invalid body (${problem}): ${JSON.stringify(request.body).slice(0, 300)}`);
    return true;
  });
}

const BROKEN_PATH_VALUES = ['0', '-1', '1.5', '2147483648', '99999999999999999999', 'abc', ' ', '1e400', '\u0000', '0x10'];
/** Operations whose query takes parameters it does not name: an OAuth2 provider adds its own (scope, session_state). */
const OPEN_QUERIES = new Set(['GET /api/oauth2/callback']);

const BROKEN_BODIES = ['{', '[1,2', 'null', '[]', '"text"', '123', `${'['.repeat(100_000)}${']'.repeat(100_000)}`];

/** Every way to break a valid request in one place, each checked to be invalid by the document. */
function breakings(operation: Operation, request: Generated): Generated[] {
  const found: Generated[] = [];
  for (const parameter of operation.parameters) {
    if (parameter.in === 'path')
      for (const value of BROKEN_PATH_VALUES)
        if (!reader.parameterValid(parameter, value))
          found.push({ ...request, path: { ...request.path, [parameter.name]: value }, broken: `params.${parameter.name}` });
    if (parameter.in === 'query') {
      for (const value of brokenValues(reader, parameter.schema).filter((one) => typeof one !== 'object'))
        if (!reader.parameterValid(parameter, String(value)))
          found.push({ ...request, query: { ...request.query, [parameter.name]: String(value) }, broken: `query.${parameter.name}` });
    }
  }
  if (operation.parameters.some((parameter) => parameter.in === 'query') && !OPEN_QUERIES.has(operation.key))
    found.push({ ...request, query: { ...request.query, zzUnknown: '1' }, broken: 'query.zzUnknown' });
  if (operation.body) {
    for (const text of BROKEN_BODIES) found.push({ ...request, body: text, broken: '' });
    for (const { spot, schema } of spotsOf(reader, operation.body, request.body)) {
      const top = spot.length === 0 ? '' : String(spot[0]);
      const candidates: Array<{ value: unknown; at: Spot; names: string }> = [];
      for (const value of brokenValues(reader, schema))
        candidates.push({ value: replaced(request.body, spot, value), at: spot, names: top });
      if (schema.type === 'object' && schema.additionalProperties === false)
        candidates.push({ value: replaced(request.body, [...spot, 'zzUnknown'], 1), at: spot, names: top || 'zzUnknown' });
      for (const name of schema.required ?? [])
        candidates.push({ value: replaced(request.body, [...spot, name], remove), at: spot, names: top || name });
      for (const candidate of candidates)
        if (reader.problem(operation.body, candidate.value) !== null)
          found.push({ ...request, body: candidate.value, broken: candidate.names });
    }
  }
  return found;
}

async function sessionFor(userId: number): Promise<string> {
  return (await issueToken(createStore(api.db).tokens, { userId, name: 'property test' })).token;
}

function describe(request: Generated): string {
  return JSON.stringify({ ...request, body: typeof request.body === 'string' ? request.body.slice(0, 200) : request.body }).slice(0, 600);
}

/** The API's last logged unhandled error (its message and the top of its stack), for a 5xx's report. */
function lastLoggedError(): string {
  const line = api.logs.filter((one) => one.includes('unhandled error in request')).at(-1);
  if (!line) return 'nothing';
  const err = (JSON.parse(line) as { err?: { message?: string; stack?: string } }).err;
  const lines = (err?.message ?? line).split('\n').filter((one) => one.trim() !== '');
  // Prisma's messages end with the reason; most others start with it.
  return [...lines.slice(0, 2), ...lines.slice(2).slice(-3)].join(' | ');
}

/** Failed logins so far in the run, by email and in all (the login throttle's inputs). */
const loginFailures = { byEmail: new Map<string, number>(), total: 0 };

async function check(operation: Operation, request: Generated, knowledge: Knowledge): Promise<string | null> {
  const asker = AS_AGENT.has(operation.key) ? knowledge.world.agent : api.users.admin;
  const token = ENDS_SESSION.has(operation.key) ? await sessionFor(asker.id) : asker.token;
  const pathValues = Object.fromEntries(Object.entries(request.path).map(([name, value]) => [name, Number(value)]));
  const valid = request.broken === undefined;
  // The state before the request: what it would explain.
  const exists =
    valid && (await pathNamesWhatExists(api.db, operation, pathValues)) && (await everyNamedIdExists(api.db, request.query, request.body));
  const conflict = valid
    ? await conflictReason(api.db, operation, { path: pathValues, body: request.body, askerId: asker.id }, running)
    : null;
  const body = request.body as { email?: unknown; password?: unknown } | undefined;
  const email = typeof body?.email === 'string' ? body.email.toLowerCase() : '';
  const began = Date.now();
  let sent: Sent;
  try {
    sent = await send(api.url, {
      method: operation.method,
      path: fillPath(operation.path, request.path),
      ...(operation.roles === 'public' ? {} : { token }),
      query: request.query,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
  } catch (error) {
    const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
    return `no answer (${(error as Error).message}: ${cause?.code ?? ''} ${cause?.message ?? ''}) after ${Date.now() - began} ms to ${describe(request)}`;
  }
  const what = `${sent.status} ${sent.text.slice(0, 300)} for ${describe(request)}`;
  if (process.env.MAILROUTE_PROPERTY_VERBOSE && Date.now() - began > 500)
    process.stderr.write(`slow: ${operation.key} ${Date.now() - began} ms: ${what.slice(0, 300)}\n`);
  if (sent.status >= 500) return `a 5xx: ${what}; the API logged: ${lastLoggedError()}`;
  const documented = reader.answerProblem(operation, sent.status, sent.contentType, sent.body);
  if (documented) return `${documented}: ${what}`;
  if (!valid) {
    if (sent.status === 413) return null;
    if (sent.status !== 400) return `a request the document refuses was answered ${what} (broken: ${request.broken})`;
    const fields = ((sent.body as { errors?: Array<{ field: string }> }).errors ?? []).map((problem) => problem.field);
    const named = request.broken === '' || fields.some((field) => field === request.broken || field.startsWith(`${request.broken}.`));
    return named ? null : `the 400 names ${JSON.stringify(fields)}, not ${request.broken}: ${what}`;
  }
  if (operation.key === 'POST /api/auth/login') {
    const known = email === knowledge.world.agent.email && body?.password === knowledge.password;
    const throttled = (loginFailures.byEmail.get(email) ?? 0) > 5 || loginFailures.total > 20;
    if (sent.status === 200) loginFailures.byEmail.delete(email);
    if (sent.status === 401) {
      loginFailures.byEmail.set(email, (loginFailures.byEmail.get(email) ?? 0) + 1);
      loginFailures.total += 1;
    }
    if (sent.status === 429 && !sent.headers.get('retry-after')) return `a 429 without Retry-After: ${what}`;
    if ((sent.status === 401 && !known) || (sent.status === 429 && throttled) || (sent.status === 200 && known)) return null;
    return `login answered ${what} (known credentials: ${known}, throttled: ${throttled})`;
  }
  // A documented redirect is an answer too (a sign-in's callback always redirects, its outcome in the address).
  if (sent.status < 300 || (sent.status < 400 && operation.answers.has(sent.status))) {
    if (operation.key === 'PUT /api/me/password') knowledge.password = (request.body as { newPassword: string }).newPassword;
    return null;
  }
  const bytes = request.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(request.body));
  const explained =
    (sent.status === 413 && bytes > (operation.bodyLimit ?? Infinity)) ||
    ((sent.status === 404 || sent.status === 400) && !exists) ||
    (sent.status === 409 && conflict !== null) ||
    (sent.status === 412 && request.headers['if-match'] !== undefined && request.headers['if-match'].trim() !== '*') ||
    (sent.status === 400 && htmlWithNothingToSend(request.body));
  return explained ? null : `a valid request was refused, and nothing in the state explains it: ${what}`;
}

/**
 * An agent's email whose HTML has no words left once sanitized (and no image), with no text or canned answer: the
 * API refuses it for its content (400 naming html), which no schema can say.
 */
function htmlWithNothingToSend(body: unknown): boolean {
  const email = body as { html?: unknown; text?: unknown; cannedAnswerId?: unknown } | undefined;
  if (typeof email?.html !== 'string' || email.cannedAnswerId !== undefined) return false;
  const html = sanitizeEmailHtml(email.html);
  const text = typeof email.text === 'string' && email.text.trim() !== '' ? email.text : htmlToPlainText(html);
  return text.trim() === '' && !/<img\b/i.test(html);
}

test('every operation of /openapi.json: no 5xx, every answer as documented, valid requests accepted, broken ones a 400 naming the field', async () => {
  console.log(`OpenAPI property test: seed ${SEED}, ${RUNS} runs per operation and kind (replay: MAILROUTE_PROPERTY_SEED=${SEED})`);
  const failures: string[] = [];
  const only = process.env.MAILROUTE_PROPERTY_ONLY ? new RegExp(process.env.MAILROUTE_PROPERTY_ONLY) : undefined;
  for (const [index, operation] of reader.operations.entries()) {
    if (only && !only.test(operation.key)) continue;
    const read = operation.method === 'GET' || READS.has(operation.key);
    const world = read ? shared : await createWorld(api.db, api.url, password);
    const knowledge: Knowledge = { world, password: password.password };
    const valid = validRequest(operation, knowledge);
    const properties = {
      valid: valid,
      broken: valid
        .map((request) => breakings(operation, request))
        .filter((list) => list.length > 0)
        .chain((list) => fc.constantFrom(...list)),
    };
    const started = Date.now();
    for (const [kind, arbitrary] of Object.entries(properties)) {
      if (kind === 'broken' && operation.parameters.length === 0 && !operation.body) continue;
      try {
        await fc.assert(
          fc.asyncProperty(arbitrary, async (request) => {
            const problem = await check(operation, request, knowledge);
            if (problem) throw new Error(problem);
          }),
          { numRuns: HASHING.has(operation.key) ? Math.ceil(RUNS / 2) : RUNS, seed: SEED + index, endOnFailure: true },
        );
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause?.message ?? '';
        const replay = /\{ seed: .*?\}/.exec((error as Error).message)?.[0] ?? '';
        failures.push(`${operation.key} (${kind}) ${replay}: ${cause || (error as Error).message.slice(0, 600)}`);
      }
    }
    if (process.env.MAILROUTE_PROPERTY_VERBOSE) process.stderr.write(`${operation.key}: ${Date.now() - started} ms\n`);
  }
  const unhandled = api.logs.filter((line) => line.includes('unhandled error in request'));
  expect(failures).toEqual([]);
  expect(unhandled).toEqual([]);
}, 600_000);
