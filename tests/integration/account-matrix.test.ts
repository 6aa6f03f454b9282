/**
 * The account boundary, walked from /openapi.json: every operation, asked by a supervisor and by an agent of account
 * B about account A's objects (in the path, the body or the query), answers 403 or 404 — exactly as it answers about
 * an object that does not exist — and no answer of any operation carries anything of A. The operations are read from
 * the document, not listed here: a new route that forgets the visibility rule fails this test. Those that name no
 * account-scoped object are listed below with the reason they are global.
 */
import fc from 'fast-check';
import { startAdminApi, type AdminApi } from './admin-support';
import { validArbitrary, type Override } from './openapi-arbitraries';
import { repaired } from './openapi-semantics';
import { createWorld, FIELD_KINDS, idOf, pathIds, type Person, type World } from './api-world';
import { fillPath, readOpenApi, send, type DocumentReader, type JsonSchema, type Operation } from './openapi-document';

/** Operations that name no account-scoped object, and why each is the same for every account. */
const GLOBAL_BY_DESIGN: Record<string, string> = {
  'POST /api/auth/login': 'public: an email and a password',
  'POST /api/auth/logout': 'ends the caller’s own session',
  'GET /api/': 'public: links to the document, the docs and the web client',
  'GET /api/oauth2/settings': 'the redirect URI to register at the provider: the same for every account',
  'GET /api/oauth2/callback':
    'the provider’s redirect: the sign-in it finishes is found by its single-use state, bound to the admin’s session and browser',
  'GET /api/me': 'the caller',
  'PATCH /api/me': 'the caller’s own settings (their signature)',
  'PUT /api/me/presence': 'the caller’s own presence (pause statuses are global: every agent pauses with them)',
  'PUT /api/me/password': 'the caller’s own password',
  'GET /api/me/offers': 'the caller’s own offers',
  'GET /api/events': 'the caller’s own stream, checked against their accounts on every event (live-access.test.ts)',
  'POST /api/accounts': 'admins only',
  'GET /api/accounts': 'a list: only the accounts the caller is added to (checked for A’s marker below)',
  'GET /api/users': 'a list: only the people of the caller’s accounts (checked for A’s marker below)',
  'POST /api/users': 'admins only',
  'GET /api/queues': 'a list: only the queues of the caller’s accounts (checked for A’s marker below)',
  'POST /api/queues': 'admins only',
  'GET /api/settings': 'global settings (the mail polling interval)',
  'PATCH /api/settings': 'admins only',
  'POST /api/pause-statuses': 'admins only',
  'GET /api/pause-statuses': 'pause statuses are global: every agent pauses with them',
  'GET /api/pause-statuses/{id}': 'pause statuses are global: every agent pauses with them',
  'PATCH /api/pause-statuses/{id}': 'admins only',
  'DELETE /api/pause-statuses/{id}': 'admins only',
  'GET /api/canned-answers': 'a list: global answers and those of the caller’s accounts (checked for A’s marker below)',
  'POST /api/contact-lists': 'admins only',
  'GET /api/contact-lists': 'a list: only the lists the caller’s accounts use (checked for A’s marker below)',
  'POST /api/tokens': 'the caller’s own tokens (only admins issue them for others)',
  'GET /api/tokens': 'the caller’s own tokens',
  'POST /api/interactions/search': 'a list: only the interactions of the caller’s accounts (checked for A’s marker below)',
  'GET /api/demo': 'admins only',
  'PUT /api/demo': 'admins only',
  'POST /api/demo/mail': 'admins only',
};

/** Body fields that may name another account's object by design, and why. */
const FIELDS_BY_DESIGN: Record<string, string> = {
  'PUT /api/me/presence pauseStatusId': 'pause statuses are global',
  'PATCH /api/users/{id} pauseStatusId': 'pause statuses are global',
};

let api: AdminApi;
let reader: DocumentReader;
let a: World;
let b: World;

beforeAll(async () => {
  api = await startAdminApi();
  reader = await readOpenApi(api.url);
  [a, b] = await Promise.all([createWorld(api.db, api.url), createWorld(api.db, api.url)]);
});
afterAll(async () => {
  await api?.close();
});

/**
 * A valid body of the operation, naming B's objects (the same one every time: seeded). A transfer's body is repaired
 * as the property test does: it names exactly one target, which the document states only as a oneOf.
 */
function sampled(operation: Operation): unknown {
  const schema = operation.body;
  if (!schema) return undefined;
  const own: Override = (spot, inner) => {
    const name = [...spot].reverse().find((part) => typeof part === 'string' && part !== '*') as string | undefined;
    if (name && FIELD_KINDS[name] && (inner.type === 'integer' || inner.type === 'number')) return fc.constant(idOf(b, FIELD_KINDS[name]!));
    if (name && FIELD_KINDS[name] && inner.type === 'array') return fc.constant([idOf(b, FIELD_KINDS[name]!)]);
    return undefined;
  };
  const body = fc.sample(validArbitrary(reader, schema, own), { numRuns: 1, seed: 42 })[0];
  return operation.key === 'POST /api/interactions/{id}/transfer' ? repaired(operation, body, reader) : body;
}

function queryOf(operation: Operation): Record<string, string> {
  const query: Record<string, string> = {};
  for (const parameter of operation.parameters.filter((one) => one.in === 'query' && one.required)) {
    query[parameter.name] = String(
      fc.sample(
        validArbitrary(reader, parameter.schema, () => undefined),
        { numRuns: 1, seed: 7 },
      )[0],
    );
  }
  return query;
}

interface Variant {
  name: string;
  path: Record<string, number>;
  query: Record<string, string>;
  body: unknown;
}

/** The ways one request can name A's objects: its path, or one id field of its body or query. */
function variants(operation: Operation, toward: World | null): Variant[] {
  const base = { path: pathIds(operation, b), query: queryOf(operation), body: sampled(operation) };
  const found: Variant[] = [];
  if (operation.path.includes('{')) found.push({ ...base, name: 'path', path: pathIds(operation, toward) });
  const body = operation.body ? reader.resolve(operation.body) : undefined;
  for (const [field, schema] of Object.entries<JsonSchema>(body?.properties ?? {})) {
    const kind = FIELD_KINDS[field];
    if (!kind || FIELDS_BY_DESIGN[`${operation.key} ${field}`]) continue;
    const id = idOf(toward, kind);
    found.push({
      ...base,
      name: `body.${field}`,
      body: { ...(base.body as object), [field]: reader.resolve(schema).type === 'array' ? [id] : id },
    });
  }
  for (const parameter of operation.parameters.filter((one) => one.in === 'query' && FIELD_KINDS[one.name]))
    found.push({
      ...base,
      name: `query.${parameter.name}`,
      query: { ...base.query, [parameter.name]: String(idOf(toward, FIELD_KINDS[parameter.name]!)) },
    });
  return found;
}

async function ask(operation: Operation, variant: Variant, asker: Person) {
  return send(api.url, {
    method: operation.method,
    path: fillPath(operation.path, Object.fromEntries(Object.entries(variant.path).map(([name, id]) => [name, String(id)]))),
    token: asker.token,
    query: variant.query,
    ...(variant.body !== undefined ? { body: variant.body } : {}),
  });
}

test('every operation of /openapi.json, asked by account B’s supervisor and agent about account A’s objects, answers as for an object that does not exist', async () => {
  const failures: string[] = [];
  const walked: string[] = [];
  for (const operation of reader.operations) {
    // A global operation's path names nothing of an account; the ids in its body and query still may.
    const global = GLOBAL_BY_DESIGN[operation.key] !== undefined;
    const toward = variants(operation, a).filter((variant) => !(global && variant.name === 'path'));
    if (toward.length === 0) {
      if (!global) failures.push(`${operation.key}: names no account-scoped object: list it as global, with the reason`);
      continue;
    }
    const nowhere = variants(operation, null).filter((variant) => !(global && variant.name === 'path'));
    for (const asker of [b.supervisor, b.agent]) {
      for (const [index, variant] of toward.entries()) {
        const [ofA, ofNobody] = [await ask(operation, variant, asker), await ask(operation, nowhere[index]!, asker)];
        const where = `${operation.key} (${variant.name}) as B's ${asker.role}`;
        walked.push(where);
        if (ofA.status < 300) failures.push(`${where}: ${ofA.status}, it reached A's object`);
        else if (variant.name === 'path' && ofA.status !== 403 && ofA.status !== 404)
          failures.push(`${where}: ${ofA.status}, expected 403 or 404`);
        if (ofA.status !== ofNobody.status)
          failures.push(`${where}: ${ofA.status} (${ofA.text.slice(0, 160)}) but ${ofNobody.status} for an object that does not exist`);
        if (ofA.text.includes(a.marker)) failures.push(`${where}: the answer shows A's data: ${ofA.text.slice(0, 200)}`);
      }
    }
  }
  expect(failures).toEqual([]);
  expect(walked.length).toBeGreaterThan(100);
});

test('no list, read or search answers account B’s people with anything of account A', async () => {
  const failures: string[] = [];
  const reads = reader.operations.filter((operation) => operation.method === 'GET' || operation.key === 'POST /api/interactions/search');
  for (const operation of reads) {
    const request = { name: 'own', path: pathIds(operation, b), query: queryOf(operation), body: sampled(operation) };
    for (const asker of [b.supervisor, b.agent]) {
      const answer = await ask(operation, request, asker);
      if (answer.text.includes(a.marker))
        failures.push(`${operation.key} as B's ${asker.role}: shows A's data: ${answer.text.slice(0, 200)}`);
    }
  }
  expect(failures).toEqual([]);
});
