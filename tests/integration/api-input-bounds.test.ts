/**
 * Inputs that used to reach the database or a mail server unchecked (each a 500, or a reply hanging on a CR/LF
 * username), and the routing edge: each is now a 400 naming the field, a 405 with the methods the path serves, or
 * an answer from the route the path names.
 */
import { keysetCursor } from '../../api/cursor';
import { startAdminApi, minimalAccount, type AdminApi } from './admin-support';

let api: AdminApi;

beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

const admin = () => api.users.admin.call;
const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((problem) => problem.field);

describe('ids and numbers beyond 32 bits, and lists beyond what one statement binds', () => {
  it.each([
    ['/api/interactions/export', { ids: [2 ** 31] }, 'ids.0'],
    ['/api/interactions/bulk-delete', { ids: [2 ** 31], confirm: true }, 'ids.0'],
    ['/api/interactions/search', { accountId: 2 ** 31 }, 'accountId'],
    ['/api/interactions/search', { conditions: [{ field: 'id', operator: 'equals', value: 2 ** 31 }] }, 'conditions.0.value'],
    ['/api/interactions/search', { conditions: [{ field: 'priority', operator: 'in', value: [1, 2 ** 40] }] }, 'conditions.0.value'],
  ])('POST %s with %j is a 400 naming %s', async (path, body, field) => {
    const answer = await admin()('POST', path, body);
    expect(answer.status).toBe(400);
    expect(fields(answer.body)).toContain(field);
  });

  it.each(['/api/interactions/export', '/api/interactions/bulk-delete'])(
    'POST %s with more than 5,000 ids is a 400 naming ids (deleting them binds several values per interaction)',
    async (path) => {
      for (const length of [5_001, 40_000]) {
        const ids = Array.from({ length }, (_, index) => index + 1);
        const answer = await admin()('POST', path, { ids, ...(path.endsWith('delete') ? { confirm: true } : {}) });
        expect({ length, status: answer.status, fields: fields(answer.body) }).toEqual({ length, status: 400, fields: ['ids'] });
      }
    },
  );

  it('a search binds at most 50 conditions of 100 values: the largest is answered, a larger list is a 400', async () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    const conditions = Array.from({ length: 50 }, () => ({ field: 'id', operator: 'in', value: values }));
    expect((await admin()('POST', '/api/interactions/search', { conditions })).status).toBe(200);
    const larger = await admin()('POST', '/api/interactions/search', {
      conditions: [{ field: 'id', operator: 'in', value: [...values, 101] }],
    });
    expect(larger.status).toBe(400);
    expect(fields(larger.body)).toEqual(['conditions.0.value']);
  });
});

describe('search conditions that do not fit their field', () => {
  it('greaterThan on a boolean or on the status is a 400 naming the operator', async () => {
    for (const condition of [
      { field: 'read', operator: 'greaterThan', value: true },
      { field: 'status', operator: 'lessThan', value: 'open' },
      { field: 'priority', operator: 'isEmpty' },
    ]) {
      const answer = await admin()('POST', '/api/interactions/search', { conditions: [condition] });
      expect(answer.status).toBe(400);
      expect(fields(answer.body)).toEqual(['conditions.0.operator']);
    }
  });

  it('isEmpty on every field that may be empty is answered (subject and customerEmail are never null: they are tested for "")', async () => {
    for (const field of ['subject', 'customerEmail', 'customerName', 'agentId', 'queueId', 'dispositionId', 'tags', 'closedAt']) {
      const answer = await admin()('POST', '/api/interactions/search', { conditions: [{ field, operator: 'isEmpty' }] });
      expect({ field, status: answer.status }).toEqual({ field, status: 200 });
    }
  });

  it('a crafted cursor is a 400 naming the cursor, before the database sees it', async () => {
    const crafted = [
      keysetCursor.encode('2026-01-01T00:00:00.000Z', 2 ** 31),
      keysetCursor.encode('not a date', 1),
      Buffer.from(JSON.stringify([{ gt: 1 }, 1])).toString('base64url'),
      'not base64url!',
    ];
    for (const cursor of crafted) {
      const answer = await admin()('POST', '/api/interactions/search', { cursor });
      expect({ cursor, status: answer.status, fields: fields(answer.body) }).toEqual({ cursor, status: 400, fields: ['cursor'] });
    }
    const byId = await admin()('POST', '/api/interactions/search', {
      sort: 'id',
      cursor: keysetCursor.encode('2026-01-01T00:00:00.000Z', 1),
    });
    expect(byId.status).toBe(400);
  });
});

describe('CR/LF never reaches an IMAP or SMTP command, nor a header', () => {
  it.each([
    ['name', 'Support\r\nRCPT TO:<x@example.com>'],
    ['emailAddress', 'support\r\n@example.com'],
    ['imapUsername', 'user\r\nA1 LOGOUT'],
    ['smtpUsername', 'user\nQUIT'],
    ['imapPassword', 'secret\r\n'],
    ['smtpPassword', 'secret\r\n'],
    ['mailbox', 'INBOX\r\nA2 DELETE INBOX'],
    ['sentMailbox', 'Sent\r\n'],
    ['imapHost', 'mail.example.com\r\nA1 LOGOUT'],
    ['smtpHost', 'smtp.example.com\nQUIT'],
    ['hostname', 'mx.example.com\r\nMAIL FROM:<x@example.com>'],
  ])('an account whose %s holds a line break is a 400 naming it (create and change)', async (field, value) => {
    const created = await admin()('POST', '/api/accounts', minimalAccount({ [field]: value }));
    expect(created.status).toBe(400);
    expect(fields(created.body)).toContain(field);
    const account = await admin()('POST', '/api/accounts', minimalAccount());
    expect(account.status).toBe(201);
    const changed = await admin()('PATCH', `/api/accounts/${account.body.id}`, { [field]: value });
    expect(changed.status).toBe(400);
    expect(fields(changed.body)).toContain(field);
  });

  it("a user's name, email or password with a line break is a 400 naming it", async () => {
    for (const [field, value] of [
      ['name', 'Ada\r\nBcc: x@example.com'],
      ['email', 'ada\r\n@example.com'],
      ['password', 'long enough\r\npassword'],
    ]) {
      const answer = await admin()('POST', '/api/users', { name: 'Ada', email: `ada-${Date.now()}@example.com`, [field!]: value });
      expect(answer.status).toBe(400);
      expect(fields(answer.body)).toContain(field);
    }
  });
});

describe('methods and paths', () => {
  it('an unknown method on a known path is a 405 with Allow listing the methods the path serves', async () => {
    const answer = await admin()('PUT', '/api/settings', {});
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, HEAD, PATCH, OPTIONS');
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    const options = await admin()('OPTIONS', '/api/queues/1');
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH, OPTIONS');
    expect((await admin()('DELETE', '/api/queues')).headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    const search = await admin()('OPTIONS', '/api/interactions/search');
    expect(search.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('/api/interactions/search is not matched by the /interactions/:id routes', async () => {
    const read = await admin()('GET', '/api/interactions/search');
    expect(read.status).toBe(405);
    expect(read.headers.get('allow')).toBe('POST, OPTIONS');
    const remove = await admin()('DELETE', '/api/interactions/search?confirm=true');
    expect(remove.status).toBe(405);
    expect((await admin()('POST', '/api/interactions/search', {})).status).toBe(200);
  });

  it('a path no route serves is still a 404', async () => {
    expect((await admin()('GET', '/api/no-such-thing')).status).toBe(404);
    expect((await admin()('PUT', '/api/no-such-thing')).status).toBe(404);
  });
});
