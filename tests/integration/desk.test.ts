/**
 * The interactions section over REST against the real database: advanced search, CSV export, zip
 * download, internal notes, permanent deletion, live events, and who may see what.
 */
import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { Pool } from 'pg';
import { simpleParser } from 'mailparser';
import { sha256Hex, storeBlob } from '../../store/blobs';
import { createPgEventBus } from '../../platform/live-events';
import { csvCell } from '../../api/routes/exports';
import { openLiveEvents } from '../support/live-events';
import { buildEmail } from '../support/mailbox';
import { startTestPlatform, uniqueAccountKey, type TestPlatform } from '../support/platform';
import { testEnvironment } from '../support/test-environment';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
});
afterAll(async () => {
  await platform?.close();
});

async function seedAccount() {
  const key = uniqueAccountKey();
  const account = await platform.db.emailAccount.create({
    data: { name: `Desk ${key}`, key, emailAddress: `desk-${key.toLowerCase()}@example.test` },
  });
  const agent = await platform.db.user.create({
    data: { name: `Agent ${key}`, email: `agent-${key.toLowerCase()}-${randomBytes(3).toString('hex')}@test.invalid` },
  });
  await platform.db.accountAgent.create({ data: { accountId: account.id, userId: agent.id } });
  return { account, agent };
}

async function seedInteraction(
  accountId: number,
  fields: { subject: string; customerEmail: string; tags?: string[]; status?: 'open' | 'closed'; read?: boolean; raw?: string },
) {
  const raw = Buffer.from(
    fields.raw ??
      buildEmail({ from: fields.customerEmail, to: 'desk@example.test', subject: fields.subject, text: `Body of ${fields.subject}` }),
  );
  const rawSha256 = await storeBlob(platform.db, raw);
  const parsed = await simpleParser(raw);
  const interaction = await platform.db.interaction.create({
    data: {
      accountId,
      subject: fields.subject,
      customerEmail: fields.customerEmail,
      tags: fields.tags ?? [],
      status: fields.status ?? 'open',
      read: fields.read ?? false,
    },
  });
  const message = await platform.db.message.create({
    data: {
      interactionId: interaction.id,
      accountId,
      direction: 'inbound',
      subject: fields.subject,
      fromAddress: fields.customerEmail,
      text: parsed.text ?? null,
      html: typeof parsed.html === 'string' ? parsed.html : null,
      messageIdHeader: parsed.messageId ?? null,
      rawSha256,
      sizeBytes: raw.length,
      attachments: {
        create: await Promise.all(
          parsed.attachments.map(async (attachment) => ({
            filename: attachment.filename ?? null,
            contentType: attachment.contentType,
            size: attachment.size,
            sha256: await storeBlob(platform.db, attachment.content),
          })),
        ),
      },
    },
  });
  return { interaction, message, raw };
}

describe('interactions list and advanced search', () => {
  it('combines enabled conditions with all/any and ignores disabled ones', async () => {
    const { account } = await seedAccount();
    const refund = await seedInteraction(account.id, { subject: 'Refund please', customerEmail: 'ann@shop.test', tags: ['billing'] });
    const late = await seedInteraction(account.id, { subject: 'Order late', customerEmail: 'bob@shop.test', tags: ['shipping'] });
    await seedInteraction(account.id, { subject: 'Hello', customerEmail: 'cy@other.test', status: 'closed' });
    const search = (body: object) =>
      platform.admin.post('/api/interactions/search', { accountId: account.id, sort: 'id', order: 'asc', ...body });

    const all = await search({
      match: 'all',
      conditions: [
        { field: 'customerEmail', operator: 'endsWith', value: '@shop.test' },
        { field: 'subject', operator: 'contains', value: 'REFUND' },
      ],
    });
    expect(all.status).toBe(200);
    expect(all.body.items.map((item: { id: number }) => item.id)).toEqual([refund.interaction.id]);

    const any = await search({
      match: 'any',
      conditions: [
        { field: 'subject', operator: 'startsWith', value: 'refund' },
        { field: 'tags', operator: 'equals', value: 'shipping' },
      ],
    });
    expect(any.body.items.map((item: { id: number }) => item.id)).toEqual([refund.interaction.id, late.interaction.id]);

    const disabled = await search({
      match: 'all',
      conditions: [
        { field: 'customerEmail', operator: 'endsWith', value: '@shop.test' },
        { field: 'subject', operator: 'contains', value: 'refund', enabled: false },
      ],
    });
    expect(disabled.body.items.map((item: { id: number }) => item.id)).toEqual([refund.interaction.id, late.interaction.id]);

    const simple = await search({ status: 'closed' });
    expect(simple.body.items.map((item: { subject: string }) => item.subject)).toEqual(['Hello']);
  });

  it('pages with a cursor without repeating or skipping rows', async () => {
    const { account } = await seedAccount();
    for (let index = 0; index < 5; index++) await seedInteraction(account.id, { subject: `Page ${index}`, customerEmail: 'p@page.test' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await platform.admin.post('/api/interactions/search', {
        accountId: account.id,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: { subject: string }) => item.subject));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['Page 4', 'Page 3', 'Page 2', 'Page 1', 'Page 0']);
  });

  it('names the condition and the reason when a condition does not fit its field', async () => {
    const { account } = await seedAccount();
    const response = await platform.admin.post('/api/interactions/search', {
      accountId: account.id,
      conditions: [{ field: 'priority', operator: 'contains', value: 'x' }],
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      {
        field: 'conditions.0.operator',
        reason: 'contains does not apply to priority (it takes equals, notEquals, greaterThan, lessThan, in)',
      },
    ]);
  });

  it('shows an agent only the accounts they are added to', async () => {
    const mine = await seedAccount();
    const other = await seedAccount();
    await seedInteraction(mine.account.id, { subject: 'Mine', customerEmail: 'm@x.test' });
    const theirs = await seedInteraction(other.account.id, { subject: 'Theirs', customerEmail: 't@x.test' });
    const agent = await platform.clientFor(mine.agent.id);
    const list = await agent.post('/api/interactions/search', {});
    expect(list.body.items.map((item: { subject: string }) => item.subject)).toContain('Mine');
    expect(list.body.items.map((item: { subject: string }) => item.subject)).not.toContain('Theirs');
    expect((await agent.post('/api/interactions/search', { accountId: other.account.id })).status).toBe(404);
    expect((await agent.post(`/api/interactions/${theirs.interaction.id}/notes`, { text: 'hi' })).status).toBe(404);
    expect((await agent.get(`/api/interactions/${theirs.interaction.id}/download`)).status).toBe(403);
    expect((await agent.post('/api/interactions/export', { ids: [theirs.interaction.id] })).status).toBe(403);
  });
});

describe('CSV export', () => {
  it('quotes per RFC 4180, defuses formulas, and adds a BOM when asked', async () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe('');

    const { account } = await seedAccount();
    const tricky = await seedInteraction(account.id, {
      subject: 'Comma, "quote" and ünïcode',
      customerEmail: 'q@x.test',
      tags: ['a', 'b'],
    });
    const response = await fetch(`${platform.apiUrl}/api/interactions/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [tricky.interaction.id], bom: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(
      'id,accountKey,subject,customerEmail,customerName,status,read,agent,queueId,priority,tags,disposition,createdAt,closedAt',
    );
    expect(lines[1]).toMatch(
      new RegExp(`^${tricky.interaction.id},${account.key},"Comma, ""quote"" and ünïcode",q@x.test,,open,false,,,0,a;b,,\\d{4}-`),
    );
  });
});

describe('thread download and deletion', () => {
  const withAttachment = [
    'From: Zoe <zoe@x.test>',
    'To: desk@example.test',
    'Subject: With file',
    'Message-ID: <with-file@x.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See attached.',
    '--b1',
    'Content-Type: application/octet-stream; name="report.bin"',
    'Content-Disposition: attachment; filename="report.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('binary-report-content').toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');

  async function download(interactionId: number, attachments: boolean) {
    const response = await fetch(`${platform.apiUrl}/api/interactions/${interactionId}/download?attachments=${attachments}`, {
      headers: { authorization: `Bearer ${platform.adminToken}` },
    });
    expect(response.status).toBe(200);
    const zip = Buffer.from(await response.arrayBuffer());
    return readZip(zip);
  }

  it('zips numbered .eml files: byte-exact raw source with attachments, text and HTML only without', async () => {
    const { account } = await seedAccount();
    const seeded = await seedInteraction(account.id, { subject: 'With file', customerEmail: 'zoe@x.test', raw: withAttachment });
    const full = await download(seeded.interaction.id, true);
    expect(Object.keys(full).sort()).toEqual(['001-attachments/report.bin', '001.eml']);
    expect(full['001.eml']!.equals(seeded.raw)).toBe(true);
    expect(full['001-attachments/report.bin']!.toString()).toBe('binary-report-content');

    const bare = await download(seeded.interaction.id, false);
    expect(Object.keys(bare)).toEqual(['001.eml']);
    const parsed = await simpleParser(bare['001.eml']!);
    expect(parsed.text?.trim()).toBe('See attached.');
    expect(parsed.attachments).toHaveLength(0);
    expect(parsed.messageId).toBe('<with-file@x.test>');
  });

  it('deletes only with confirmation, removes raw sources and attachments, and writes an audit record', async () => {
    const { account } = await seedAccount();
    const seeded = await seedInteraction(account.id, {
      subject: 'Delete me',
      customerEmail: 'd@x.test',
      raw: withAttachment.replace('with-file@', `delete-${account.key}@`),
    });
    const unconfirmed = await platform.admin.delete(`/api/interactions/${seeded.interaction.id}`);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.errors[0].field).toBe('query.confirm');
    const confirmed = await platform.admin.delete(`/api/interactions/${seeded.interaction.id}?confirm=true`);
    expect(confirmed.status).toBe(200);
    expect(await platform.db.interaction.findUnique({ where: { id: seeded.interaction.id } })).toBeNull();
    expect(await platform.db.blob.findUnique({ where: { sha256: sha256Hex(seeded.raw) } })).toBeNull();
    expect(
      await platform.db.auditLog.count({ where: { entity: 'interaction', entityId: String(seeded.interaction.id), action: 'delete' } }),
    ).toBe(1);
  });
});

describe('assistant suggestions and the realtime view', () => {
  it('suggests the account’s canned answer that fits the customer’s message', async () => {
    const { account } = await seedAccount();
    const seeded = await seedInteraction(account.id, { subject: 'Refund for my return', customerEmail: 'r@x.test' });
    const refund = await platform.db.cannedAnswer.create({
      data: { accountId: account.id, name: 'Refund policy', body: 'Refunds are issued within 14 days of the return.' },
    });
    await platform.db.cannedAnswer.create({ data: { accountId: account.id, name: 'Opening hours', body: 'We are open 9 to 18.' } });
    const response = await platform.admin.get(`/api/interactions/${seeded.interaction.id}/suggestions`);
    expect(response.status).toBe(200);
    expect(response.body.assistant).toBe('builtin');
    expect(response.body.suggestions[0]).toMatchObject({ kind: 'canned-answer', id: refund.id });
  });

  it('counts the account’s open interactions by routing state', async () => {
    const { account } = await seedAccount();
    const waiting = await seedInteraction(account.id, { subject: 'W', customerEmail: 'w@x.test' });
    await platform.db.interaction.update({ where: { id: waiting.interaction.id }, data: { routingState: 'waiting-for-agents' } });
    const held = await seedInteraction(account.id, { subject: 'H', customerEmail: 'h@x.test' });
    await platform.db.interaction.update({ where: { id: held.interaction.id }, data: { routingState: 'accepted' } });
    const response = await platform.admin.get(`/api/accounts/${account.id}/realtime`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accountId: account.id, waiting: 1, offered: 0, inProgress: 1 });
  });
});

describe('internal notes and live events', () => {
  it('stores a supervisor note as internal (never an outbound message), and its readers see it live', async () => {
    const { account, agent } = await seedAccount();
    const seeded = await seedInteraction(account.id, { subject: 'Spy', customerEmail: 's@x.test' });
    const holder = await platform.clientFor(agent.id);
    const stream = await openLiveEvents(platform.apiUrl, holder.token!);
    const note = await platform.admin.post(`/api/interactions/${seeded.interaction.id}/notes`, { text: 'Customer is a VIP' });
    expect(note.status).toBe(201);
    const [live] = await stream.waitFor(1);
    stream.close();
    expect(live).toEqual({
      event: 'note-added',
      data: expect.objectContaining({
        interactionId: seeded.interaction.id,
        detail: { authorId: expect.any(Number), noteId: note.body.id },
      }),
    });
    const messages = await platform.db.message.findMany({ where: { interactionId: seeded.interaction.id }, orderBy: { id: 'asc' } });
    expect(messages.map((message) => message.direction)).toEqual(['inbound', 'note']);
    expect(await platform.db.outboundEmail.count({ where: { interactionId: seeded.interaction.id } })).toBe(0);
  });

  it('streams events of the agent’s accounts in order, and nothing of other accounts', async () => {
    const mine = await seedAccount();
    const other = await seedAccount();
    const agent = await platform.clientFor(mine.agent.id);
    const stream = await openLiveEvents(platform.apiUrl, agent.token!);
    const pool = new Pool({ connectionString: testEnvironment().databaseUrl, max: 1 });
    const bus = createPgEventBus(pool);
    const at = new Date().toISOString();
    await bus.publish({ kind: 'routing', accountId: other.account.id, interactionId: 1, type: 'offered', detail: {}, at });
    for (const type of ['offered', 'accepted', 'reply-sent', 'closed']) {
      await bus.publish({ kind: 'routing', accountId: mine.account.id, interactionId: 7, type, detail: {}, at });
    }
    const received = await stream.waitFor(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stream.close();
    await pool.end();
    expect(received.map((event) => [event.event, event.data.accountId])).toEqual([
      ['offered', mine.account.id],
      ['accepted', mine.account.id],
      ['reply-sent', mine.account.id],
      ['closed', mine.account.id],
    ]);
  });
});

/** A minimal reader for the stored (uncompressed or deflated) entries of a zip. */
function readZip(zip: Buffer): Record<string, Buffer> {
  const entries: Record<string, Buffer> = {};
  let offset = 0;
  while (zip.readUInt32LE(offset) === 0x04034b50) {
    const method = zip.readUInt16LE(offset + 8);
    const flags = zip.readUInt16LE(offset + 6);
    const nameLength = zip.readUInt16LE(offset + 26);
    const extraLength = zip.readUInt16LE(offset + 28);
    const name = zip.subarray(offset + 30, offset + 30 + nameLength).toString('utf8');
    let compressedSize = zip.readUInt32LE(offset + 18);
    const dataStart = offset + 30 + nameLength + extraLength;
    if (flags & 0x08) {
      // Sizes follow the data in a descriptor: find it through the central directory instead.
      const central = zip.lastIndexOf(Buffer.from(name), zip.length) - 46;
      compressedSize = zip.readUInt32LE(central + 20);
    }
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    entries[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    offset = dataStart + compressedSize + (flags & 0x08 ? (zip.readUInt32LE(dataStart + compressedSize) === 0x08074b50 ? 16 : 12) : 0);
  }
  return entries;
}
