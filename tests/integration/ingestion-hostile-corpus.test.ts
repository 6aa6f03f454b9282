/**
 * The hostile corpus (tests/fixtures/hostile/*.eml, written for this project): every email becomes an
 * interaction message or a quarantined record with a reason, each within 2 s of its APPEND; HTML is
 * sanitized for display; loops and bounces are tagged; the watcher never dies. Plus the quarantine over
 * REST: reason, raw source download, re-ingest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../scripts/services/process-tools';
import { createWatchedAccount, extraWorker, type WatchedAccount } from '../support/ingestion';
import { startTestPlatform, type TestPlatform, type WorkerProcess } from '../support/platform';

const CORPUS_DIR = path.resolve(__dirname, '../fixtures/hostile');
const MAX_EMAIL_BYTES = 2_000_000;
const MAX_ATTACHMENT_BYTES = 500_000;

describe('ingestion: the hostile corpus', () => {
  let platform: TestPlatform;
  let worker: WorkerProcess;
  let account: WatchedAccount;
  const outcomes = new Map<string, { uid: number; kind: 'message' | 'quarantined'; ms: number }>();

  beforeAll(async () => {
    platform = await startTestPlatform({ worker: false });
    worker = extraWorker(platform, 5, { MAX_EMAIL_BYTES: String(MAX_EMAIL_BYTES), MAX_ATTACHMENT_BYTES: String(MAX_ATTACHMENT_BYTES) });
    await worker.start();
    // Duplicate check off: the two different emails sharing one Message-ID must both arrive.
    account = await createWatchedAccount(platform, { disableDuplicateCheck: true });
    // The 2 s are counted from each APPEND to a running watch, not from the watcher's start.
    await waitFor(
      'the watcher to connect',
      async () => (await platform.db.mailboxState.findFirst({ where: { accountId: account.id } }))?.connected === true,
      {
        timeoutMs: 30_000,
      },
    );
  });
  afterAll(async () => {
    await worker?.stop();
    await platform?.close();
  });

  async function outcomeOf(uid: number): Promise<'message' | 'quarantined' | null> {
    const where = { accountId: account.id, uid: BigInt(uid) };
    if (await platform.db.message.findFirst({ where, select: { id: true } })) return 'message';
    if (await platform.db.quarantinedEmail.findFirst({ where, select: { id: true } })) return 'quarantined';
    return null;
  }

  async function ingest(name: string, raw: Buffer) {
    const started = Date.now();
    const { uid } = await account.append(raw);
    let kind: 'message' | 'quarantined' | null = null;
    await waitFor(
      `${name} to be ingested or quarantined`,
      async () => {
        kind = await outcomeOf(uid);
        return kind !== null;
      },
      { timeoutMs: 10_000, intervalMs: 20, explain: () => worker.log.slice(-3000) },
    );
    outcomes.set(name, { uid, kind: kind!, ms: Date.now() - started });
  }

  const files = readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.eml'))
    .sort();

  it('has at least 40 hand-written hostile emails', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it('turns every corpus email into an interaction message or a quarantined record within 2 s, and the watcher survives', async () => {
    for (const name of files) await ingest(name, readFileSync(path.join(CORPUS_DIR, name)));
    // Over the size limit: generated here rather than committed.
    const oversize = Buffer.concat([
      Buffer.from(
        'From: big@customer.test\r\nTo: support@example.test\r\nSubject: oversize attachment\r\nMessage-ID: <oversize@hostile.test>\r\n' +
          'MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      ),
      Buffer.from(Buffer.alloc(MAX_EMAIL_BYTES, 7).toString('base64').replace(/.{76}/g, '$&\r\n')),
    ]);
    await ingest('oversize-attachment', oversize);
    // Under the email limit, but one attachment is over the attachment limit.
    const bigAttachment = [
      'From: files@customer.test',
      'To: support@example.test',
      'Subject: big attachment',
      'Message-ID: <big-attachment@hostile.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="att"',
      '',
      '--att',
      'Content-Type: text/plain',
      '',
      'See the scan.',
      '--att',
      'Content-Type: application/pdf; name="scan.pdf"',
      'Content-Disposition: attachment; filename="scan.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 1)
        .toString('base64')
        .replace(/.{76}/g, '$&\r\n'),
      '--att--',
      '',
    ].join('\r\n');
    await ingest('attachment-over-limit', Buffer.from(bigAttachment));
    await ingest('plain-after-corpus', Buffer.from(account.email({ subject: 'still flowing' })));

    const slow = [...outcomes].filter(([, outcome]) => outcome.ms > 2_000);
    expect(slow).toEqual([]);
    expect(outcomes.get('oversize-attachment')!.kind).toBe('quarantined');
    // mailparser's own limits (child nodes, header size) are parse failures: quarantined with the reason.
    const quarantined = await platform.db.quarantinedEmail.findMany({ where: { accountId: account.id }, orderBy: { uid: 'asc' } });
    expect(quarantined.map((row) => [Number(row.uid), row.reason.replace(/\d+/g, 'N')])).toEqual([
      [outcomes.get('13-three-thousand-parts.eml')!.uid, 'could not be parsed after N attempts: Max allowed child nodes exceeded'],
      [outcomes.get('14-one-megabyte-header.eml')!.uid, 'could not be parsed after N attempts: Max header size for a MIME node exceeded'],
      [outcomes.get('oversize-attachment')!.uid, 'email of N bytes exceeds the limit of N bytes'],
      [outcomes.get('attachment-over-limit')!.uid, 'attachment "scan.pdf" of N bytes exceeds the attachment limit of N bytes'],
    ]);
    expect(outcomes.get('plain-after-corpus')!.kind).toBe('message');
    const state = await platform.admin.get(`/api/accounts/${account.id}/mailbox-state`);
    expect(state.body).toMatchObject({ connected: true, lastError: null, lag: { pendingEmails: 0 } });
    const events = await platform.admin.get(`/api/accounts/${account.id}/mailbox-events`);
    expect(events.body).toEqual({ items: [], nextCursor: null });
  });

  async function messageFor(name: string) {
    return platform.db.message.findFirstOrThrow({ where: { accountId: account.id, uid: BigInt(outcomes.get(name)!.uid) } });
  }

  it('stores raw HTML and a sanitized copy without scripts, event handlers, javascript: URLs, frames or forms', async () => {
    for (const name of ['29-html-script.eml', '30-html-on-attributes.eml', '31-html-javascript-url.eml']) {
      const message = await messageFor(name);
      expect(message.html).toMatch(/script|onerror|javascript:/i);
      expect(message.htmlSanitized).not.toMatch(/<script|onerror|onmouseover|onload|javascript:|<iframe|<form|evil\.test\/x\.js/i);
    }
    expect((await messageFor('29-html-script.eml')).htmlSanitized).toContain('<p>Hi</p>');
    // Readers get the sanitized copy only; the HTML as received stays on the server (and in the .eml download).
    const scripted = await messageFor('29-html-script.eml');
    const thread = await platform.admin.get(`/api/interactions/${scripted.interactionId}`);
    expect(thread.status).toBe(200);
    const shown = thread.body.messages.find((entry: { id: number }) => entry.id === scripted.id);
    expect(shown.htmlSanitized).toContain('<p>Hi</p>');
    expect(shown).not.toHaveProperty('html');
    expect(JSON.stringify(thread.body)).not.toMatch(/<script/i);
  });

  it.each([
    ['17-auto-submitted-auto-replied.eml', ['auto-reply', 'auto-submitted']],
    ['18-auto-submitted-auto-generated.eml', ['auto-submitted']],
    ['19-auto-submitted-auto-notified.eml', ['auto-submitted']],
    ['20-x-auto-response-suppress-all.eml', ['auto-reply']],
    ['21-x-auto-response-suppress-oof.eml', ['auto-reply']],
    ['22-precedence-bulk.eml', ['bulk']],
    ['23-precedence-junk.eml', ['bulk']],
    ['24-precedence-list.eml', ['list']],
    ['25-precedence-auto-reply.eml', ['auto-reply']],
    ['26-x-autoreply.eml', ['auto-reply']],
    ['27-dsn-bounce.eml', ['auto-reply', 'auto-submitted', 'bounce']],
    ['28-null-return-path.eml', ['bounce']],
    ['01-no-message-id.eml', []],
  ])('tags %s as %j for loop and bounce protection', async (name, tags) => {
    expect((await messageFor(name)).loopTags).toEqual(tags);
  });

  it('decodes exotic charsets and encoded words', async () => {
    expect((await messageFor('08-ks_c_5601-1987.eml')).text).toContain('안녕하세요');
    expect((await messageFor('09-iso-2022-jp.eml')).text).toContain('お問い合わせ');
    expect((await messageFor('11-gb18030.eml')).text).toContain('中文客服');
    const spoof = await messageFor('32-encoded-word-from-spoof.eml');
    expect(spoof.fromAddress).toBe('attacker@evil.test');
  });

  it('lists the quarantined email over REST with its reason, serves its raw source, and re-ingests it', async () => {
    const list = await platform.admin.get(`/api/accounts/${account.id}/quarantine`);
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    const oversize = list.body.items.find((row: { uid: string }) => row.uid === String(outcomes.get('oversize-attachment')!.uid));
    expect(oversize.reason).toMatch(/exceeds the limit of 2000000 bytes/);
    expect(oversize.reingestedAt).toBeNull();

    const one = await platform.admin.get(`/api/quarantine/${oversize.id}`);
    expect(one.body).toEqual(oversize);
    const raw = await fetch(`${platform.apiUrl}/api/quarantine/${oversize.id}/raw`, {
      headers: { authorization: `Bearer ${platform.adminToken}` },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^message\/rfc822/);
    const body = Buffer.from(await raw.arrayBuffer());
    expect(body.length).toBe(oversize.sizeBytes);
    expect(body.toString('latin1')).toContain('Subject: oversize attachment');

    // The worker does the re-ingest (a large email is parsed there, never in the API): with none running, the
    // request is accepted and waits for one.
    await worker.stop();
    const queued = await platform.admin.post(`/api/quarantine/${oversize.id}/reingest?wait=0`);
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({ state: 'running', workflowId: `reingest-quarantined-${oversize.id}` });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await platform.db.message.count({ where: { accountId: account.id, uid: BigInt(oversize.uid) } })).toBe(0);
    await worker.start();
    const reingested = await platform.admin.post(`/api/quarantine/${oversize.id}/reingest`);
    expect(reingested.status).toBe(200);
    expect(reingested.body.outcome).toBe('stored');
    const message = await platform.db.message.findUniqueOrThrow({ where: { id: reingested.body.messageId } });
    expect(message.subject).toBe('oversize attachment');
    expect(message.workflowId).toBe(`route-${account.key}-uv${oversize.uidValidity}-uid${oversize.uid}`);
    expect((await platform.admin.get(`/api/quarantine/${oversize.id}`)).body.reingestedAt).not.toBeNull();
    // A second re-ingest is the same message, not a new one.
    const again = await platform.admin.post(`/api/quarantine/${oversize.id}/reingest`);
    expect(again.body).toMatchObject({ messageId: message.id, outcome: 'already-stored' });

    expect((await platform.admin.get('/api/quarantine/2147483647')).status).toBe(404);
    // A supervisor not added to the account learns nothing of its quarantine or mailbox.
    const outsider = await platform.db.user.create({
      data: { name: 'Outside supervisor', email: `outside-${account.key.toLowerCase()}@test.invalid`, role: 'supervisor' },
    });
    const supervisor = await platform.clientFor(outsider.id);
    for (const route of [
      `/api/accounts/${account.id}/quarantine`,
      `/api/accounts/${account.id}/mailbox-events`,
      `/api/accounts/${account.id}/mailbox-state`,
      `/api/quarantine/${oversize.id}`,
      `/api/quarantine/${oversize.id}/raw`,
    ]) {
      expect([route, (await supervisor.get(route)).status]).toEqual([route, 404]);
    }
    expect((await platform.admin.get('/api/quarantine/abc')).status).toBe(400);
  });
});
