/**
 * Email accounts over REST against the real database: every default and range bound of the seed,
 * presets, the five header-filter syntaxes with the IMAP SEARCH each becomes, optimistic concurrency,
 * lists, and an agent seeing only the accounts they are added to.
 */
import { watcherWorkflowId } from '../../contracts/watch-mailbox';
import { minimalAccount, startAdminApi, type AdminApi } from './admin-support';

let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

const admin = () => api.users.admin.call;

describe('email account defaults and ranges (the seed)', () => {
  test('a minimal account gets every default of the seed', async () => {
    const input = minimalAccount();
    const created = await admin()('POST', '/api/accounts', input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: input.name,
      key: input.key,
      emailAddress: input.emailAddress,
      active: false,
      service: 'custom',
      contactListId: null,
      description: null,
      imapHost: null,
      imapPort: 993,
      imapSsl: true,
      imapAuth: true,
      mailbox: 'INBOX',
      connectionTimeoutSeconds: 10,
      authTimeoutSeconds: 5,
      smtpHost: null,
      smtpPort: 465,
      smtpSecure: true,
      smtpAuth: true,
      markAsUnread: false,
      waitForAssignedAgentSeconds: 10,
      waitForAssignedQueueSeconds: 10,
      headersFilter: '',
      imapSearch: 'SEARCH UNSEEN',
      includeMessageOnForward: false,
      disableDuplicateCheck: false,
      mandatoryDisposition: false,
      notificationSound: true,
      notificationShake: false,
      oauth2: null,
      imapPasswordSet: false,
      smtpPasswordSet: false,
      assistant: null,
      hostname: null,
    });
    const row = await api.db.emailAccount.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.waitForAssignedAgentSeconds).toBe(10);
    expect(row.mailbox).toBe('INBOX');
  });

  test.each(['waitForAssignedAgentSeconds', 'waitForAssignedQueueSeconds'])(
    '%s accepts 1 and 2147483 and refuses 0 and 2147484, naming the field',
    async (field) => {
      for (const value of [1, 2147483]) {
        const created = await admin()('POST', '/api/accounts', minimalAccount({ [field]: value }));
        expect(created.status).toBe(201);
        expect(created.body[field]).toBe(value);
        const row = await api.db.emailAccount.findUniqueOrThrow({ where: { id: created.body.id } });
        expect(row[field as 'waitForAssignedAgentSeconds']).toBe(value);
      }
      for (const value of [0, 2147484]) {
        const refused = await admin()('POST', '/api/accounts', minimalAccount({ [field]: value }));
        expect(refused.status).toBe(400);
        expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(refused.body.errors).toEqual([expect.objectContaining({ field })]);
      }
      const account = await admin()('POST', '/api/accounts', minimalAccount());
      expect((await admin()('PATCH', `/api/accounts/${account.body.id}`, { [field]: 2147484 })).body.errors[0].field).toBe(field);
      expect((await admin()('PATCH', `/api/accounts/${account.body.id}`, { [field]: 2147483 })).body[field]).toBe(2147483);
    },
  );

  test('a preset service fills in host, port and TLS; explicit values win', async () => {
    const gmail = await admin()('POST', '/api/accounts', minimalAccount({ service: 'gmail' }));
    expect(gmail.body).toMatchObject({
      imapHost: 'imap.gmail.com',
      imapPort: 993,
      imapSsl: true,
      smtpHost: 'smtp.gmail.com',
      smtpPort: 465,
      smtpSecure: true,
    });
    const outlook = await admin()('POST', '/api/accounts', minimalAccount({ service: 'outlook365', smtpPort: 2525 }));
    expect(outlook.body).toMatchObject({
      imapHost: 'outlook.office365.com',
      smtpHost: 'smtp.office365.com',
      smtpPort: 2525,
      smtpSecure: false,
    });
  });

  test('unknown fields are refused and named; a duplicate key is a 409', async () => {
    const input = minimalAccount({ imapPasword: 'typo' });
    const refused = await admin()('POST', '/api/accounts', input);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'imapPasword', reason: 'unknown field' }]);
    const first = minimalAccount();
    expect((await admin()('POST', '/api/accounts', first)).status).toBe(201);
    expect((await admin()('POST', '/api/accounts', { ...minimalAccount(), key: first.key })).status).toBe(409);
    expect((await admin()('POST', '/api/accounts', minimalAccount({ key: 'TOOLONG' }))).body.errors[0].field).toBe('key');
    expect((await admin()('POST', '/api/accounts', minimalAccount({ contactListId: 2147483647 }))).body.errors[0].field).toBe(
      'contactListId',
    );
  });
});

describe('IMAP headers filter', () => {
  test.each([
    ['', 'SEARCH UNSEEN'],
    ['x-antivirus-report', 'SEARCH UNSEEN HEADER "x-antivirus-report"'],
    ['x-antivirus-report,x-antispam-evaluation-time', 'SEARCH UNSEEN HEADER "x-antivirus-report" HEADER "x-antispam-evaluation-time"'],
    ['x-antivirus-report=SAFE', 'SEARCH UNSEEN HEADER "x-antivirus-report" "SAFE"'],
    [
      'X-Antivirus-Report=SAFE, x-antispam-evaluation-time',
      'SEARCH UNSEEN HEADER "x-antivirus-report" "SAFE" HEADER "x-antispam-evaluation-time"',
    ],
  ])('%j becomes %s (names lower-cased, values kept), stored parsed', async (filter, search) => {
    const created = await admin()('POST', '/api/accounts', minimalAccount({ headersFilter: filter }));
    expect(created.status).toBe(201);
    expect(created.body.imapSearch).toBe(search);
    const read = await admin()('GET', `/api/accounts/${created.body.id}`);
    expect(read.body.imapSearch).toBe(search);
    const row = await api.db.emailAccount.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.headersFilter).toEqual(created.body.headersFilterRules);
    if (filter.includes('SAFE')) expect(created.body.headersFilterRules[0]).toEqual({ name: 'x-antivirus-report', value: 'SAFE' });
  });

  test('an unusable filter is a 400 naming headersFilter', async () => {
    const refused = await admin()('POST', '/api/accounts', minimalAccount({ headersFilter: 'x-a=,bad name' }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('headersFilter');
  });
});

describe('account create, read, update, delete', () => {
  test('full life cycle with ETag and If-Match', async () => {
    const created = await admin()('POST', '/api/accounts', minimalAccount({ description: 'first' }));
    const id = created.body.id as number;
    const read = await admin()('GET', `/api/accounts/${id}`);
    expect(read.status).toBe(200);
    const etag = read.headers.get('etag');
    expect(etag).toBe(`"${read.body.updatedAt}"`);

    const changed = await admin()('PATCH', `/api/accounts/${id}`, { description: 'second', markAsUnread: true }, { 'if-match': etag! });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ description: 'second', markAsUnread: true });
    const stale = await admin()('PATCH', `/api/accounts/${id}`, { description: 'third' }, { 'if-match': etag! });
    expect(stale.status).toBe(412);
    expect((await api.db.emailAccount.findUniqueOrThrow({ where: { id } })).description).toBe('second');

    expect((await admin()('DELETE', `/api/accounts/${id}`)).status).toBe(204);
    expect((await admin()('GET', `/api/accounts/${id}`)).status).toBe(404);
    expect(await api.db.emailAccount.findUnique({ where: { id } })).toBeNull();
  });

  test('every seed field round-trips', async () => {
    const list = await admin()('POST', '/api/contact-lists', { name: `List ${Date.now()}-${Math.random()}` });
    const pause = await admin()('POST', '/api/pause-statuses', { name: `Disposing ${Date.now()}-${Math.random()}` });
    const fields = {
      contactListId: list.body.id,
      active: false,
      description: 'care',
      imapHost: 'imap.example.test',
      imapPort: 143,
      imapSsl: false,
      imapAuth: true,
      imapUsername: 'care',
      mailbox: 'Support',
      connectionTimeoutSeconds: 20,
      authTimeoutSeconds: 7,
      smtpHost: 'smtp.example.test',
      smtpPort: 587,
      smtpSecure: false,
      smtpAuth: true,
      smtpUsername: 'care',
      markAsUnread: true,
      includeMessageOnForward: true,
      disableDuplicateCheck: true,
      transferEnabled: true,
      transferToAgent: false,
      transferToQueue: true,
      transferToAccount: true,
      transferTimeoutSeconds: 45,
      transferTemplate: 'Transferred by {{agent.name}}',
      mandatoryDisposition: true,
      dispositionPauseStatusId: pause.body.id,
      bodyTemplate: { fontFamily: 'Arial', fontSize: 12, text: 'Dear {{customer.name}}', logoUrl: 'https://example.test/logo.png' },
      notificationSound: false,
      notificationShake: true,
      notificationTemplate: 'New email {{interaction.id}}',
      assistant: 'openai',
      hostname: 'mail-node-2',
    };
    const created = await admin()('POST', '/api/accounts', minimalAccount(fields));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(fields);
    const unknownPause = await admin()('PATCH', `/api/accounts/${created.body.id}`, { dispositionPauseStatusId: 2147483647 });
    expect(unknownPause.status).toBe(400);
    expect(unknownPause.body.errors[0].field).toBe('dispositionPauseStatusId');
  });

  test('lists page with limit and cursor, sort and order, and filters', async () => {
    const marker = `Paged${Date.now()}`;
    const ids: number[] = [];
    for (let index = 0; index < 5; index += 1)
      ids.push((await admin()('POST', '/api/accounts', minimalAccount({ name: `${marker} ${index}`, active: false }))).body.id);
    const first = await admin()('GET', `/api/accounts?q=${marker}&limit=2&sort=name&order=desc`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((item: { name: string }) => item.name)).toEqual([`${marker} 4`, `${marker} 3`]);
    const second = await admin()('GET', `/api/accounts?q=${marker}&limit=2&sort=name&order=desc&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item: { name: string }) => item.name)).toEqual([`${marker} 2`, `${marker} 1`]);
    const third = await admin()('GET', `/api/accounts?q=${marker}&limit=2&sort=name&order=desc&cursor=${second.body.nextCursor}`);
    expect(third.body).toEqual({ items: [expect.objectContaining({ name: `${marker} 0` })], nextCursor: null });
    expect((await admin()('GET', `/api/accounts?q=${marker}&active=true`)).body.items).toEqual([]);
    expect((await admin()('GET', '/api/accounts?sort=password')).body.errors[0].field).toBe('query.sort');
    expect((await admin()('GET', '/api/accounts?cursor=nonsense')).status).toBe(400);
    expect((await admin()('GET', '/api/accounts?limit=201')).body.errors[0].field).toBe('query.limit');
    expect((await admin()('GET', '/api/accounts?colour=red')).body.errors[0]).toEqual({ field: 'query.colour', reason: 'unknown field' });
  });

  test('an agent sees and acts only on accounts they are added to (404 for others)', async () => {
    const agent = await api.newUser('agent');
    const mine = (await admin()('POST', '/api/accounts', minimalAccount())).body;
    const other = (await admin()('POST', '/api/accounts', minimalAccount())).body;
    expect((await admin()('PUT', `/api/accounts/${mine.id}/agents`, { agentIds: [agent.id] })).status).toBe(200);
    const listed = await agent.call('GET', '/api/accounts?limit=200');
    expect(listed.body.items.map((item: { id: number }) => item.id)).toEqual([mine.id]);
    expect((await agent.call('GET', `/api/accounts/${mine.id}`)).status).toBe(200);
    expect((await agent.call('GET', `/api/accounts/${other.id}`)).status).toBe(404);
    expect((await agent.call('GET', `/api/accounts/${other.id}/dispositions`)).status).toBe(404);
    expect((await agent.call('GET', `/api/accounts/${other.id}/canned-answers`)).status).toBe(404);
    expect((await agent.call('GET', `/api/accounts/${mine.id}/canned-answers`)).status).toBe(200);
  });
});

test('switching an account to a preset service fills in the preset servers', async () => {
  const created = await api.users.admin.call(
    'POST',
    '/api/accounts',
    minimalAccount({ imapHost: 'imap.example.test', smtpHost: 'smtp.example.test' }),
  );
  const switched = await api.users.admin.call('PATCH', `/api/accounts/${created.body.id}`, { service: 'hotmail' });
  expect(switched.body).toMatchObject({
    service: 'hotmail',
    imapHost: 'outlook.office365.com',
    smtpHost: 'smtp-mail.outlook.com',
    smtpPort: 587,
    smtpSecure: false,
  });
});

test('activating an account starts its mailbox watcher without a restart; changes signal it', async () => {
  const created = await api.users.admin.call('POST', '/api/accounts', minimalAccount());
  const handle = api.temporal.workflow.getHandle(watcherWorkflowId(created.body.id));
  await expect(handle.describe()).rejects.toThrow();
  try {
    expect((await api.users.admin.call('PATCH', `/api/accounts/${created.body.id}`, { active: true })).status).toBe(200);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await api.users.admin.call('PATCH', `/api/accounts/${created.body.id}`, { mailbox: 'Support' })).status).toBe(200);
    const history = await handle.fetchHistory();
    expect(history.events?.some((event) => event.workflowExecutionSignaledEventAttributes)).toBe(true);
  } finally {
    await handle.terminate('test finished').catch(() => undefined);
  }
});
