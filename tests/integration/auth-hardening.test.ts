/**
 * Logging in and staying logged in, as a security review would try it: guessing gets slow, an unknown email answers
 * as slowly as a wrong password, hashes are remade with today's parameters, sessions end on logout and on a
 * password change, tokens expire, the last admin stays an admin, and nobody reads a body before they are known.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { applyMigrations } from '../../prisma/migrate';
import { createScratchDatabase } from '../support/scratch-database';
import { client, startAdminApi, unique, type AdminApi } from './admin-support';

let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

const admin = () => api.users.admin.call;
const anonymous = () => client(api.url);

async function userWithPassword(role: 'agent' | 'supervisor' | 'admin' = 'agent') {
  const email = `person-${unique()}@example.test`;
  const password = `pw-${unique()}-long`;
  const created = await admin()('POST', '/api/users', { name: 'Person', email, password, role });
  expect(created.status).toBe(201);
  return { id: created.body.id as number, email, password };
}

const logIn = (email: string, password: string) => anonymous()('POST', '/api/auth/login', { email, password });

test('after five wrong passwords for one email, logging in waits (429 with Retry-After), even with the right one', async () => {
  const person = await userWithPassword();
  for (let attempt = 0; attempt < 5; attempt++) expect((await logIn(person.email, 'wrong password')).status).toBe(401);
  expect((await logIn(person.email, 'wrong password')).status).toBe(401);
  const waiting = await logIn(person.email, person.password);
  expect(waiting.status).toBe(429);
  expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  await new Promise((resolve) => setTimeout(resolve, (Number(waiting.headers.get('retry-after')) + 0.5) * 1000));
  expect((await logIn(person.email, person.password)).status).toBe(200);
});

test('an unknown email takes as long to refuse as a wrong password', async () => {
  const person = await userWithPassword();
  const time = async (email: string) => {
    const started = performance.now();
    expect((await logIn(email, 'not the password')).status).toBe(401);
    return performance.now() - started;
  };
  const median = (values: number[]) => values.sort((a, b) => a - b)[1]!;
  const known = median([await time(person.email), await time(person.email), await time(person.email)]);
  const unknown = median([
    await time(`nobody-${unique()}@example.test`),
    await time(`nobody-${unique()}@example.test`),
    await time(`nobody-${unique()}@example.test`),
  ]);
  expect(unknown).toBeGreaterThan(known * 0.5);
});

test('a password hashed with older scrypt parameters is hashed again at the next login', async () => {
  const person = await userWithPassword();
  const salt = randomBytes(16);
  const legacy = `scrypt$${salt.toString('base64url')}$${scryptSync(person.password, salt, 32).toString('base64url')}`;
  await api.db.user.update({ where: { id: person.id }, data: { passwordHash: legacy } });
  expect((await logIn(person.email, person.password)).status).toBe(200);
  const { passwordHash } = await api.db.user.findUniqueOrThrow({ where: { id: person.id } });
  expect(passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
  expect((await logIn(person.email, person.password)).status).toBe(200);
});

test('logout ends the session; a password change ends the other sessions; an admin’s change ends them all', async () => {
  const person = await userWithPassword();
  const first = (await logIn(person.email, person.password)).body.token as string;
  const second = (await logIn(person.email, person.password)).body.token as string;
  expect((await client(api.url, first)('POST', '/api/auth/logout')).status).toBe(204);
  expect((await client(api.url, first)('GET', '/api/me')).status).toBe(401);
  expect((await client(api.url, second)('GET', '/api/me')).status).toBe(200);

  const third = (await logIn(person.email, person.password)).body.token as string;
  const wrong = await client(api.url, second)('PUT', '/api/me/password', { currentPassword: 'guess', newPassword: 'new password 1' });
  expect(wrong.status).toBe(400);
  expect(wrong.body.errors[0].field).toBe('currentPassword');
  const changed = await client(api.url, second)('PUT', '/api/me/password', {
    currentPassword: person.password,
    newPassword: 'new password 1',
  });
  expect(changed.status).toBe(204);
  expect((await client(api.url, second)('GET', '/api/me')).status).toBe(200);
  expect((await client(api.url, third)('GET', '/api/me')).status).toBe(401);

  expect((await admin()('PATCH', `/api/users/${person.id}`, { password: 'set by the admin' })).status).toBe(200);
  expect((await client(api.url, second)('GET', '/api/me')).status).toBe(401);
  expect((await logIn(person.email, 'set by the admin')).status).toBe(200);
});

test('every API token expires: 90 days unless asked, a year at most', async () => {
  const person = await userWithPassword();
  const session = (await logIn(person.email, person.password)).body.token as string;
  const minted = await client(api.url, session)('POST', '/api/tokens', { name: 'integration' });
  expect(minted.status).toBe(201);
  const days = (Date.parse(minted.body.expiresAt) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(89);
  expect(days).toBeLessThan(91);
  const forever = await client(api.url, session)('POST', '/api/tokens', { name: 'forever', ttlSeconds: 10 * 365 * 86400 });
  expect(forever.status).toBe(400);
  expect(forever.body.errors[0].field).toBe('ttlSeconds');
});

test('the last admin can be neither demoted nor deleted, and deleting a user is audited', async () => {
  // A platform of its own: how many admins there are is platform-wide.
  const scratch = await createScratchDatabase('last_admin');
  await applyMigrations({ databaseUrl: scratch.url, log: () => undefined });
  const own = await startAdminApi({ databaseUrl: scratch.url });
  try {
    const only = own.users.admin;
    const demoted = await only.call('PATCH', `/api/users/${only.id}`, { role: 'agent' });
    expect(demoted.status).toBe(409);
    expect(demoted.body.detail).toMatch(/last admin/);
    const second = await own.newUser('admin');
    expect((await second.call('DELETE', `/api/users/${only.id}`)).status).toBe(204);
    expect((await second.call('PATCH', `/api/users/${second.id}`, { role: 'agent' })).status).toBe(409);
  } finally {
    await own.close();
    await scratch.drop();
  }
  const leaving = await userWithPassword();
  expect((await admin()('DELETE', `/api/users/${leaving.id}`)).status).toBe(204);
  const audit = await api.db.auditLog.findFirst({ where: { entity: 'user', entityId: String(leaving.id), action: 'deleted' } });
  expect(audit).toMatchObject({ actorId: api.users.admin.id });
});

test('an anonymous request is refused before its body is read; a body too deep or too large is a 4xx', async () => {
  const large = JSON.stringify({ name: 'x'.repeat(5 * 1024 * 1024) });
  const anonymousLarge = await anonymous()('POST', '/api/tokens', large);
  expect(anonymousLarge.status).toBe(401);
  const known = await admin()('POST', '/api/tokens', large);
  expect(known.status).toBe(413);
  const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
  const nested = await admin()('POST', '/api/tokens', deep);
  expect(nested.status).toBe(400);
});
