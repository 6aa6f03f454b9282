/**
 * `npm run screenshots`: the README's pictures of the web client, taken in Chromium against the real platform
 * (a jest file outside `npm test`'s pattern, so it gets global setup's servers). Writes docs/screenshots/*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Page } from 'playwright-core';
import { waitFor } from '../../scripts/services/process-tools';
import { png } from '../support/png';
import { createRoutedAccount, type RoutedAgent } from '../support/routed-account';
import { logIn, openPage, useBrowserPlatform } from './browser';

const OUT = path.resolve(__dirname, '../../docs/screenshots');

function email(options: {
  from: string;
  subject: string;
  text: string;
  html?: string;
  attachment?: { filename: string; content: string };
}): Promise<Buffer> {
  const composer = new MailComposer({
    from: options.from,
    to: 'support@shop.example',
    subject: options.subject,
    text: options.text,
    ...(options.html ? { html: options.html } : {}),
    ...(options.attachment ? { attachments: [{ ...options.attachment, contentType: 'application/pdf' }] } : {}),
  });
  return new Promise((resolve, reject) => composer.compile().build((error, message) => (error ? reject(error) : resolve(message))));
}

/** The widths the client is made for, each with a usual screen height. */
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

/** docs/screenshots/<name>-<width>.png at each size, the page laid out again for each. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, `${name}-${size.width}.png`) });
  }
}

describe('screenshots of the web client', () => {
  const started = useBrowserPlatform();
  beforeAll(() => mkdirSync(OUT, { recursive: true }));

  it('takes the agent desk, the supervisor view and the action plan editor', async () => {
    const { platform, smtp, browser } = started;
    const admin = platform.admin;
    const password = 'password-123';
    // The routed account's queue is "First line" (Alice); Bruno works the "Refunds" queue, next in the plan.
    const refunds = (await admin.post('/api/queues', { name: 'Refunds', strategy: 'rrmemory' })).body;
    const routed = await createRoutedAccount(platform, smtp, {
      people: [
        { name: 'Alice Martin', email: 'alice@shop.example', password, capacity: 3 },
        { name: 'Bruno Rossi', email: 'bruno@shop.example', password, inQueue: false },
        { name: 'Sam Lee', email: 'sam@shop.example', password, role: 'supervisor' },
      ],
      queue: { name: 'First line', offerTimeoutSeconds: 600 },
      actionPlan: (firstLine) => [
        { type: 'tag', tags: ['web'], label: 'start' },
        { type: 'queue', queueId: firstLine, timeoutSeconds: 600 },
        { type: 'queue', queueId: refunds.id, timeoutSeconds: 600 },
      ],
      account: {
        name: 'Shop support',
        key: 'SHOP',
        emailAddress: 'support@shop.example',
        notificationShake: true,
        notificationTemplate: '{{account.key}} · {{customer.email}} writes: {{subject}}',
      },
    });
    const { account } = routed;
    const [alice, bruno] = routed.agents as [RoutedAgent, RoutedAgent];
    const [sam] = routed.supervisors as [RoutedAgent];
    await admin.post('/api/users', { name: 'Ada Admin', email: 'ada@shop.example', role: 'admin', password });
    await admin.post('/api/pause-statuses', { name: 'Lunch' });
    await admin.post('/api/pause-statuses', { name: 'Training' });
    await admin.put(`/api/queues/${refunds.id}/members`, { members: [{ agentId: bruno.id }] });
    await admin.put(`/api/accounts/${account.id}/queues`, { queueIds: [routed.queueId, refunds.id] });
    await admin.post(`/api/accounts/${account.id}/dispositions`, { name: 'Refund issued', parentId: routed.dispositionId });
    await admin.post(`/api/accounts/${account.id}/dispositions`, { name: 'Needs follow-up' });
    await admin.post('/api/canned-answers', {
      name: 'Thanks for writing',
      body: 'Thank you for writing to us, {{customer.name}}.',
      accountId: null,
    });
    await admin.post('/api/canned-answers', {
      name: 'Order shipped today',
      body: 'Hello {{customer.name}}, your order left our warehouse today; the tracking link follows by email.',
      accountId: account.id,
    });
    await admin.post('/api/canned-answers', {
      name: 'Refund policy',
      body: 'Refunds reach your card within 5 working days.',
      accountId: account.id,
    });
    const agentApi = alice.client;
    await agentApi.put('/api/me/presence', { presence: 'online' });

    const customers = [
      {
        from: 'Carla Bianchi <carla@example.org>',
        subject: 'My order #4821 has not arrived',
        text: 'Hello, I ordered a lamp two weeks ago and it has not arrived. The invoice is attached.',
        html: '<p>Hello,</p><p>I ordered a <b>desk lamp</b> two weeks ago and it has <i>not arrived</i>.</p><table border="1" cellpadding="4"><tr><th>Order</th><th>Date</th></tr><tr><td>#4821</td><td>10 Nov</td></tr></table><p>The invoice is attached.</p><p>Carla</p>',
        attachment: { filename: 'invoice-4821.pdf', content: '%PDF-1.4 invoice' },
      },
      { from: 'Dev Patel <dev@example.net>', subject: 'Refund for a damaged chair', text: 'The chair arrived broken. Can I get a refund?' },
    ];
    for (const customer of customers) {
      await routed.deliver(await email(customer));
      await waitFor('the offer', async () => (await agentApi.get('/api/me/offers')).body.items.length > 0, {
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      if (customer === customers[0]) {
        const [offer] = (await agentApi.get('/api/me/offers')).body.items;
        await agentApi.post(`/api/offers/${offer.id}/accept`);
        await agentApi.post(`/api/interactions/${offer.interactionId}/reply`, {
          text: 'Hello Carla, I am sorry for the wait: I am checking with the courier now.',
        });
        await smtp.waitForMessages(1, 15_000);
        await sam.client.post(`/api/interactions/${offer.interactionId}/notes`, {
          text: 'Courier confirmed a delay in Milan; offer free shipping next time.',
        });
      }
    }
    await routed.deliver(
      await email({ from: 'Lena Vogel <lena@example.de>', subject: 'Wrong size delivered', text: 'I got an M instead of an L.' }),
    );

    // The agent desk: the held interaction open, the reply form with canned answers, the offer waiting.
    const agentPage = await openPage(browser, platform.apiUrl);
    await logIn(agentPage.page, 'alice@shop.example', password);
    await agentPage.page.locator('.offer').first().waitFor();
    await agentPage.page.getByRole('tab', { name: /My order #4821/ }).click();
    await agentPage.page.locator('.message.note').waitFor();
    await agentPage.page.getByRole('button', { name: 'Order shipped today' }).click();
    await agentPage.page.getByRole('textbox', { name: /^Reply to/ }).fill('Good news: the courier found your parcel.');
    await agentPage.page.waitForTimeout(800);
    await shoot(agentPage.page, 'agent-desk');

    // The supervisor view: realtime counts, the list with an advanced search condition, spying on the thread.
    const supervisorPage = await openPage(browser, platform.apiUrl);
    const watch = supervisorPage.page;
    await logIn(watch, 'sam@shop.example', password);
    await watch.locator('[data-testid="realtime-in-progress"] dd', { hasText: /^1$/ }).waitFor();
    await watch.getByRole('button', { name: 'Add condition' }).click();
    await watch.getByRole('combobox', { name: 'Condition 1 field' }).selectOption('subject');
    await watch.getByRole('textbox', { name: 'Condition 1 value' }).fill('order');
    await watch.getByRole('button', { name: 'Add condition' }).click();
    await watch.getByRole('combobox', { name: 'Condition 2 field' }).selectOption('priority');
    await watch.getByRole('combobox', { name: 'Condition 2 operator' }).selectOption('greaterThan');
    await watch.getByRole('spinbutton', { name: 'Condition 2 value' }).fill('5');
    await watch.getByRole('checkbox', { name: 'enabled' }).nth(1).uncheck();
    await watch.getByRole('radio', { name: 'any condition' }).check();
    await watch.getByRole('button', { name: 'Search' }).click();
    await watch.getByRole('button', { name: /My order #4821/ }).click();
    await watch.locator('.spy .message.note').waitFor();
    await watch
      .getByRole('checkbox', { name: /Select interaction/ })
      .first()
      .check();
    await watch.evaluate('window.scrollTo(0, 0)');
    await watch.waitForTimeout(800);
    await shoot(watch, 'supervisor');

    // The action plan editor, with the API's message on a jump that lands nowhere.
    const adminPage = await openPage(browser, platform.apiUrl);
    await logIn(adminPage.page, 'ada@shop.example', password);
    await adminPage.page.goto('/app/admin/plan');
    await adminPage.page.getByRole('combobox', { name: 'Account' }).selectOption({ label: 'SHOP · Shop support' });
    const steps = adminPage.page.getByRole('form', { name: 'Action plan steps' });
    await steps.getByRole('listitem', { name: 'Step 3' }).waitFor();
    await steps.getByRole('button', { name: 'Add step' }).click();
    const fourth = steps.getByRole('listitem', { name: 'Step 4' });
    await fourth.getByLabel('Type').selectOption('gotoif');
    await fourth.getByLabel('Field').selectOption('subject');
    await fourth.getByLabel('Value').fill('refund');
    await fourth.getByLabel('Then go to (label or step number)').fill('refunds');
    await steps.getByRole('button', { name: 'Publish new version' }).click();
    await fourth.locator('.error').waitFor();
    await shoot(adminPage.page, 'action-plan');

    // The account's email template beside its live preview, with a logo that travels inside the email.
    const logo = png(120, 36, (x, y) => (x < 36 ? [11, 92, 173] : y > 14 && y < 22 ? [27, 31, 36] : [255, 255, 255]));
    await admin.put(`/api/accounts/${account.id}/logo`, {
      filename: 'shop-logo.png',
      contentType: 'image/png',
      contentBase64: logo.toString('base64'),
    });
    const template = (await admin.get(`/api/accounts/${account.id}`)).body.bodyTemplate;
    await admin.patch(`/api/accounts/${account.id}`, {
      bodyTemplate: {
        ...template,
        fontFamily: 'Georgia, serif',
        fontSize: 15,
        color: '#1f3a5f',
        text: 'Hello {{customer.name}},\n\n{{message}}\n\nKind regards,\n{{agent.name}}, {{account.name}}',
      },
    });
    await adminPage.page.goto('/app/admin/accounts');
    await adminPage.page.getByRole('button', { name: 'Edit SHOP' }).click();
    const editor = adminPage.page.getByRole('heading', { name: 'Email template' });
    await adminPage.page.frameLocator('iframe.email-preview').getByRole('img', { name: 'Shop support' }).waitFor();
    await editor.evaluate((heading: { scrollIntoView(): void }) => heading.scrollIntoView());
    await adminPage.page.waitForTimeout(300);
    await shoot(adminPage.page, 'admin-settings');

    for (const opened of [agentPage, supervisorPage, adminPage]) {
      expect(opened.errors).toEqual([]);
      await opened.close();
    }
  });
});
