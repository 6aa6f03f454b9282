/**
 * The demo account over the API: which account it is, and the admin's "Drop sample emails": sample customer emails
 * appended to its mailbox (the run's Dovecot), 404 without a demo account, 409 when it cannot take them.
 */
import { applyMigrations } from '../../prisma/migrate';
import { addMailUser } from '../../scripts/services/dovecot';
import { freePort } from '../../scripts/services/process-tools';
import { listMessages, uniqueMailUser } from '../support/mailbox';
import { uniqueAccountKey } from '../support/platform';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { testEnvironment } from '../support/test-environment';
import { startAdminApi, type AdminApi } from './admin-support';

// A platform of its own: there is one demo account per platform.
let scratch: ScratchDatabase;
let api: AdminApi;

beforeAll(async () => {
  scratch = await createScratchDatabase('demo_mail');
  await applyMigrations({ databaseUrl: scratch.url, log: () => undefined });
  api = await startAdminApi({ databaseUrl: scratch.url });
});
afterAll(async () => {
  await api?.close();
  await scratch?.drop();
});

async function account(settings: Record<string, unknown>): Promise<{ id: number; emailAddress: string }> {
  const key = uniqueAccountKey();
  const created = await api.users.admin.call('POST', '/api/accounts', {
    name: `Demo ${key}`,
    key,
    emailAddress: `support-${key.toLowerCase()}@demo-shop.test`,
    imapHost: '127.0.0.1',
    imapSsl: false,
    ...settings,
  });
  expect(created.status).toBe(201);
  expect(created.body.demo).toBe(false);
  return created.body;
}

test('an admin drops sample emails into the demo mailbox; 404 without a demo account, 409 when it cannot take them', async () => {
  const admin = api.users.admin.call;
  expect((await admin('GET', '/api/demo')).status).toBe(404);
  expect((await admin('POST', '/api/demo/mail')).status).toBe(404);
  expect((await api.users.supervisor.call('POST', '/api/demo/mail')).status).toBe(403);
  expect((await admin('PUT', '/api/demo', { accountId: 999_999 })).status).toBe(404);

  const { dovecot } = testEnvironment();
  const mailUser = { user: uniqueMailUser('demo'), password: 'demo-password' };
  await addMailUser(dovecot, mailUser);
  const demo = await account({ imapPort: dovecot.port, imapUsername: mailUser.user, imapPassword: mailUser.password });
  const marked = await admin('PUT', '/api/demo', { accountId: demo.id });
  expect(marked.body).toEqual({ accountId: demo.id, name: expect.stringMatching(/^Demo /) });
  expect((await admin('GET', `/api/accounts/${demo.id}`)).body.demo).toBe(true);

  // Inactive: it would not be ingested.
  const inactive = await admin('POST', '/api/demo/mail');
  expect([inactive.status, inactive.body.detail]).toEqual([409, expect.stringMatching(/not active/)]);

  await api.db.emailAccount.update({ where: { id: demo.id }, data: { active: true } });
  const dropped = await admin('POST', '/api/demo/mail');
  expect([dropped.status, dropped.body]).toEqual([201, { accountId: demo.id, appended: 3 }]);
  const inbox = await listMessages(dovecot, mailUser.user, mailUser.password);
  expect(inbox.map((message) => message.subject).sort()).toEqual([
    'Charged twice for my subscription',
    'How do I change my delivery address?',
    'Order #4821 has not arrived',
  ]);
  // A second drop is new mail (fresh Message-IDs), not duplicates the platform would skip.
  expect((await admin('POST', '/api/demo/mail')).body.appended).toBe(3);
  expect(new Set((await listMessages(dovecot, mailUser.user, mailUser.password)).map((message) => message.messageId)).size).toBe(6);

  // Another account marked as the demo takes the mark; its mailbox is down: 409 saying so.
  const down = await account({ imapPort: await freePort(), imapUsername: 'nobody', imapPassword: 'x' });
  await admin('PUT', '/api/demo', { accountId: down.id });
  await api.db.emailAccount.update({ where: { id: down.id }, data: { active: true } });
  expect((await admin('GET', `/api/accounts/${demo.id}`)).body.demo).toBe(false);
  const unreachable = await admin('POST', '/api/demo/mail');
  expect([unreachable.status, unreachable.body.detail]).toEqual([409, expect.stringMatching(/cannot be reached/)]);
});
