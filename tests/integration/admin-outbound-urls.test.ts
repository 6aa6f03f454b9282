/**
 * URLs that users configure are judged before they are stored: an action plan's webhook may not point at this
 * machine, private networks, link-local or metadata addresses (the API here allow-lists only loopback, as an operator
 * would for an internal receiver), and it must be HTTPS elsewhere.
 */
import { minimalAccount, startAdminApi, type AdminApi } from './admin-support';

let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

test('a webhook step to a forbidden destination is refused with the step and the reason', async () => {
  const admin = api.users.admin.call;
  const account = await admin('POST', '/api/accounts', minimalAccount());
  expect(account.status).toBe(201);
  const refusedUrls = [
    'http://169.254.169.254/latest/meta-data/',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::ffff:a9fe:a9fe]/',
    'https://10.0.0.8/hook',
    'https://192.168.10.1/hook',
    'http://hooks.example.com/plain',
  ];
  for (const url of refusedUrls) {
    const refused = await admin('PUT', `/api/accounts/${account.body.id}/action-plan`, {
      steps: [{ type: 'noop' }, { type: 'webhook', url, timeoutSeconds: 5 }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'steps.1.url' })]);
  }
  for (const url of ['https://hooks.example.com/mailroute', 'http://127.0.0.1:9/allow-listed']) {
    const published = await admin('PUT', `/api/accounts/${account.body.id}/action-plan`, {
      steps: [{ type: 'webhook', url, timeoutSeconds: 5 }],
    });
    expect(published.status).toBe(201);
  }
});
