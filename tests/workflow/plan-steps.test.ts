/**
 * The action plan's autoreply and webhook steps on the real Temporal dev server, with an SMTP sink and a local
 * HTTP receiver.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../scripts/services/process-tools';
import { recordHistoryIfAsked } from '../support/histories';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createScenario, routeNewEmail, sleep } from './routing-scenario';

let platform: TestPlatform;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
  await smtp?.close();
});

async function eventsOf(interactionId: number, type: string) {
  return platform.db.routingEvent.findMany({ where: { interactionId, type }, orderBy: { id: 'asc' } });
}

describe('autoreply step', () => {
  it('answers with the rendered template, threaded, marked auto-replied, copying the other recipients; once per sender', async () => {
    const scenario = await createScenario(platform, {
      account: { smtpPort: smtp.port },
      plan: () => [
        {
          type: 'autoreply',
          template: 'Hello {{customer.name}}, we got "{{subject}}" ({{account.name}}).',
          mode: 'once-per-sender',
          replyAll: true,
        },
      ],
    });
    const accountAddress = `routing-${scenario.key.toLowerCase()}@example.test`;
    const sender = `eve-${scenario.key.toLowerCase()}@customer.test`;
    const first = await routeNewEmail(platform, scenario, {
      from: sender,
      to: [accountAddress, 'bob@customer.test'],
      cc: ['dan@customer.test', sender],
      subject: 'Broken parcel',
    });
    expect(await first.unassigned()).toBe('action plan ended without an agent accepting');
    const mine = () => smtp.messages.filter((email) => email.envelope.rcptTo.includes(sender));
    expect(mine()).toHaveLength(1);
    const [sent] = mine();
    expect(sent!.text?.trim()).toBe(`Hello Carla Customer, we got "Broken parcel" (Routing ${scenario.key}).`);
    expect(sent!.headers.get('auto-submitted')).toBe('auto-replied');
    expect(sent!.headers.get('x-auto-response-suppress')).toBe('All');
    expect(sent!.inReplyTo).toMatch(/^<m\d+@customer\.test>$/);
    expect(sent!.cc.map((address) => address.address)).toEqual(['bob@customer.test', 'dan@customer.test']);
    expect(sent!.envelope.rcptTo.sort()).toEqual(['bob@customer.test', 'dan@customer.test', sender].sort());
    expect((await eventsOf(first.interactionId, 'autoreply-sent')).length).toBe(1);
    recordHistoryIfAsked(first.workflowId, 'route-email-plan-autoreply-sent');

    // The same sender writes again, on a new interaction: once-per-sender stays silent.
    const second = await routeNewEmail(platform, scenario, { from: sender, subject: 'Still broken' });
    expect(await second.unassigned()).toBe('action plan ended without an agent accepting');
    await sleep(300);
    expect(mine()).toHaveLength(1);
    expect((await eventsOf(second.interactionId, 'autoreply-skipped')).map((event) => event.detail)).toEqual([
      { step: 1, reason: 'this sender already had an autoreply' },
    ]);
  });

  it('never answers machine-sent mail (auto-submitted, bulk, loops, lists, bounces), even in "always" mode', async () => {
    const scenario = await createScenario(platform, {
      account: { smtpPort: smtp.port },
      plan: () => [{ type: 'autoreply', template: 'Thanks!', mode: 'always', replyAll: false }],
    });
    const cases: Array<{ from: string; headers: Record<string, string>; reason: RegExp }> = [
      { from: `ooo-${scenario.key}@customer.test`, headers: { 'auto-submitted': 'auto-replied' }, reason: /Auto-Submitted/ },
      { from: `news-${scenario.key}@customer.test`, headers: { precedence: 'bulk' }, reason: /Precedence: bulk/ },
      { from: `MAILER-DAEMON@${scenario.key}.customer.test`, headers: {}, reason: /is a mail system/ },
      { from: `helpdesk-${scenario.key}@customer.test`, headers: { 'x-loop': 'helpdesk@customer.test' }, reason: /X-Loop/ },
      { from: `shop-${scenario.key}@customer.test`, headers: { 'list-unsubscribe': '<mailto:x@shop.test>' }, reason: /List-Unsubscribe/ },
    ];
    for (const entry of cases) {
      const routed = await routeNewEmail(platform, scenario, { from: entry.from, headers: entry.headers });
      expect(await routed.unassigned()).toBe('action plan ended without an agent accepting');
      const [skipped] = await eventsOf(routed.interactionId, 'autoreply-skipped');
      expect((skipped!.detail as { reason: string }).reason).toMatch(entry.reason);
      expect(smtp.messages.filter((email) => email.envelope.rcptTo.includes(entry.from))).toEqual([]);
    }
  });
});

describe('webhook step', () => {
  it('POSTs the interaction as JSON, and a failing webhook does not stop the plan', async () => {
    const received: Array<{ path: string; contentType: string | undefined; body: any }> = [];
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(body) });
        response.writeHead(request.url === '/broken' ? 404 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const scenario = await createScenario(platform, {
        plan: () => [
          { type: 'webhook', url: `${base}/hook`, timeoutSeconds: 5 },
          { type: 'webhook', url: `${base}/broken`, timeoutSeconds: 5 },
          { type: 'tag', tags: ['after-webhooks'] },
        ],
      });
      const routed = await routeNewEmail(platform, scenario, { subject: 'Hooked' });
      expect(await routed.unassigned()).toBe('action plan ended without an agent accepting');

      expect(received.map((entry) => entry.path)).toEqual(['/hook', '/broken']);
      expect(received[0]!.contentType).toBe('application/json');
      expect(received[0]!.body).toMatchObject({
        event: 'interaction.routing',
        step: 1,
        workflowId: routed.workflowId,
        interaction: { id: routed.interactionId, accountKey: scenario.key, subject: 'Hooked', customerEmail: 'carla@customer.test' },
      });
      expect((await eventsOf(routed.interactionId, 'webhook-sent')).map((event) => event.detail)).toEqual([{ step: 1, status: 200 }]);
      const [failed] = await eventsOf(routed.interactionId, 'webhook-failed');
      expect((failed!.detail as { error: string }).error).toMatch(/answered 404/);
      expect((await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } })).tags).toEqual(['after-webhooks']);
      recordHistoryIfAsked(routed.workflowId, 'route-email-plan-webhooks-then-tag');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses destinations the outbound guard forbids, and does not follow a redirect', async () => {
    const received: string[] = [];
    const server = http.createServer((request, response) => {
      received.push(request.url ?? '');
      request.resume();
      response.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // A plan stored before the guard existed: the worker judges each request again.
      const scenario = await createScenario(platform, {
        plan: () => [
          { type: 'webhook', url: 'http://169.254.169.254/latest/meta-data/', timeoutSeconds: 5 },
          { type: 'webhook', url: 'http://[::ffff:a9fe:a9fe]/', timeoutSeconds: 5 },
          { type: 'webhook', url: `${base}/moved`, timeoutSeconds: 5 },
          { type: 'tag', tags: ['after-webhooks'] },
        ],
      });
      const routed = await routeNewEmail(platform, scenario, { subject: 'Metadata' });
      expect(await routed.unassigned()).toBe('action plan ended without an agent accepting');
      const errors = (await eventsOf(routed.interactionId, 'webhook-failed')).map((event) => (event.detail as { error: string }).error);
      expect(errors).toEqual([
        expect.stringMatching(/webhook refused: .*169\.254\.169\.254 is a local, private or reserved address/),
        expect.stringMatching(/webhook refused: .*is a local, private or reserved address/),
        expect.stringMatching(/answered 307 \(redirects are not followed\)/),
      ]);
      expect(await eventsOf(routed.interactionId, 'webhook-sent')).toEqual([]);
      expect(received).toEqual(['/moved']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('conditions on the message', () => {
  it("jump by the email's subject, sender, recipients and headers, as stored when routing began", async () => {
    const scenario = await createScenario(platform, {
      plan: () => [
        { type: 'gotoif', condition: { field: 'subject', operator: 'contains', value: 'refund' }, then: 'billing' },
        { type: 'gotoif', condition: { field: 'header', header: 'x-tier', operator: 'equals', value: 'gold' }, then: 'gold' },
        { type: 'gotoif', condition: { field: 'cc', operator: 'contains', value: 'legal@' }, then: 'legal' },
        { type: 'gotoif', condition: { field: 'from', operator: 'endsWith', value: '@partner.test' }, then: 'partner', else: 'other' },
        { type: 'tag', tags: ['billing'], label: 'billing' },
        { type: 'close' },
        { type: 'tag', tags: ['gold'], label: 'gold' },
        { type: 'close' },
        { type: 'tag', tags: ['legal'], label: 'legal' },
        { type: 'close' },
        { type: 'tag', tags: ['partner'], label: 'partner' },
        { type: 'close' },
        { type: 'tag', tags: ['other'], label: 'other' },
      ],
    });
    const cases: Array<[Parameters<typeof routeNewEmail>[2], string]> = [
      [{ subject: 'Please refund order 9' }, 'billing'],
      [{ subject: 'Hello', headers: { 'x-tier': 'gold' } }, 'gold'],
      [{ subject: 'Hello', cc: ['legal@customer.test'] }, 'legal'],
      [{ subject: 'Hello', from: 'pat@partner.test' }, 'partner'],
      [{ subject: 'Hello' }, 'other'],
    ];
    for (const [email, tag] of cases) {
      const routed = await routeNewEmail(platform, scenario, email);
      // Closed by the plan, or (no branch matched) waiting unassigned once the plan ran out.
      await waitFor('the plan to finish', async () => {
        const { routingState } = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
        return routingState === 'closed' || routingState === 'unassigned';
      });
      const { tags } = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
      expect({ email, tags }).toEqual({ email, tags: [tag] });
    }
  });
});
