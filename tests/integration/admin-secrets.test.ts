/**
 * Secrets at rest: passwords and OAuth2 secrets given to the API are sealed (AES-256-GCM) in the database,
 * never returned (write-only), never logged; Verify SMTP connects with the sealed password.
 */
import { createSecretBox } from '../../platform/secrets';
import { testEnvironment } from '../support/test-environment';
import { minimalAccount, startAdminApi, unique, type AdminApi } from './admin-support';

let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

test('passwords and OAuth2 secrets are not in the database row, the audit log, the logs or any response', async () => {
  const secrets = {
    imapPassword: `imap-pw-${unique()}`,
    smtpPassword: `smtp-pw-${unique()}`,
    clientSecret: `client-secret-${unique()}`,
    refreshToken: `refresh-token-${unique()}`,
  };
  const created = await api.users.admin.call(
    'POST',
    '/api/accounts',
    minimalAccount({
      imapHost: 'imap.example.test',
      imapUsername: 'care',
      imapPassword: secrets.imapPassword,
      smtpHost: 'smtp.example.test',
      smtpUsername: 'care',
      smtpPassword: secrets.smtpPassword,
      oauth2: {
        provider: 'microsoft',
        clientId: 'client-1',
        tenantId: 'tenant-1',
        clientSecret: secrets.clientSecret,
        refreshToken: secrets.refreshToken,
      },
    }),
  );
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    imapPasswordSet: true,
    smtpPasswordSet: true,
    oauth2: { provider: 'microsoft', clientId: 'client-1', clientSecretSet: true, refreshTokenSet: true },
  });
  const id = created.body.id as number;
  const patched = await api.users.admin.call('PATCH', `/api/accounts/${id}`, {
    smtpPassword: `${secrets.smtpPassword}-2`,
    description: 'rotated',
  });
  expect(patched.status).toBe(200);
  const responses = [
    created,
    patched,
    await api.users.admin.call('GET', `/api/accounts/${id}`),
    await api.users.admin.call('GET', '/api/accounts?limit=200'),
  ];

  const row = await api.db.emailAccount.findUniqueOrThrow({ where: { id } });
  const audit = await api.db.auditLog.findMany({ where: { entity: 'email-account', entityId: String(id) }, orderBy: { id: 'asc' } });
  expect(audit.map((entry) => entry.action)).toEqual(['created', 'updated']);
  const logText = api.logs.join('');
  expect(logText).toContain(`"accountId":${id}`);
  const places = {
    row: JSON.stringify(row),
    audit: JSON.stringify(audit),
    logs: logText,
    responses: JSON.stringify(responses.map((response) => response.body)),
  };
  for (const [where, text] of Object.entries(places))
    for (const [name, secret] of Object.entries(secrets))
      expect({ where, name, found: text.includes(secret) }).toEqual({ where, name, found: false });

  // Sealed, and with the platform's key they open to what was given.
  const box = createSecretBox(testEnvironment().secretKey);
  expect(row.imapPasswordEnc).toMatch(/^v1\./);
  expect(box.open(row.imapPasswordEnc!)).toBe(secrets.imapPassword);
  expect(box.open(row.smtpPasswordEnc!)).toBe(`${secrets.smtpPassword}-2`);
  expect(JSON.parse(box.open(row.oauth2SecretEnc!))).toEqual({ clientSecret: secrets.clientSecret, refreshToken: secrets.refreshToken });

  // Changing the public OAuth2 part keeps the sealed secrets; an empty password clears it.
  const oauthChanged = await api.users.admin.call('PATCH', `/api/accounts/${id}`, {
    oauth2: { provider: 'microsoft', clientId: 'client-2' },
    imapPassword: '',
  });
  expect(oauthChanged.body).toMatchObject({
    imapPasswordSet: false,
    oauth2: { clientId: 'client-2', clientSecretSet: true, refreshTokenSet: true },
  });
  const after = await api.db.emailAccount.findUniqueOrThrow({ where: { id } });
  expect(JSON.parse(box.open(after.oauth2SecretEnc!))).toEqual({ clientSecret: secrets.clientSecret, refreshToken: secrets.refreshToken });
  expect(after.imapPasswordEnc).toBeNull();
});

test('a user password is stored as a scrypt hash and never returned', async () => {
  const password = `pw-${unique()}-long`;
  const created = await api.users.admin.call('POST', '/api/users', { name: 'Sam', email: `sam-${unique()}@example.test`, password });
  const row = await api.db.user.findUniqueOrThrow({ where: { id: created.body.id } });
  expect(row.passwordHash).toMatch(/^scrypt\$/);
  expect(JSON.stringify(row)).not.toContain(password);
  expect(JSON.stringify(created.body)).not.toContain(password);
  expect(api.logs.join('')).not.toContain(password);
});
