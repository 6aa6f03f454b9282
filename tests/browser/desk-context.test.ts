/**
 * The context an agent works with, in Chromium at 1280×800 against the real platform: who writes, how long they have
 * waited and what they wrote before (on a compact offer card and beside the thread), a new customer message marked
 * and scrolled to, the close controls always on screen, and what a transfer leaves behind (the list, a handover note,
 * targets who cannot take it).
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, type RoutedAccount, type RoutedAgent } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

/**
 * Waits until `expression` is true in the page. A string evaluated over the debugger protocol: the page's policy
 * forbids waitForFunction's eval, and the tests' Node tsconfig has no DOM types.
 */
async function until(page: Page, expression: string, timeoutMs = 5_000): Promise<void> {
  for (const began = Date.now(); Date.now() - began < timeoutMs; await new Promise((resolve) => setTimeout(resolve, 100)))
    if (await page.evaluate(expression)) return;
  throw new Error(`not true within ${timeoutMs} ms: ${expression}`);
}

const LONG_TEXT = Array.from({ length: 80 }, (_, line) => `Line ${line + 1} of a long description of what went wrong.`).join('\n');

describe('web client: context on the agent desk', () => {
  const started = useBrowserPlatform();

  /** An agent of a fresh account, logged in and online, on the desk. */
  async function onlineAgent(routed: RoutedAccount, agent: RoutedAgent = routed.agents[0]!) {
    const opened = await openPage(started.browser, started.platform.apiUrl);
    await logIn(opened.page, agent.email, agent.password);
    await opened.page.getByRole('button', { name: 'Go online' }).click();
    await opened.page.getByTestId('presence').filter({ hasText: 'Online' }).waitFor();
    return opened;
  }

  async function acceptOffer(desk: Page, subject: string) {
    await desk
      .locator('.offer', { hasText: subject })
      .getByRole('button', { name: /^Accept/ })
      .click({ timeout: 30_000 });
    await desk.getByRole('heading', { name: subject, level: 2 }).waitFor();
  }

  function customer() {
    return `carla-${randomBytes(4).toString('hex')}@customer.test`;
  }

  it('an agent sees who writes, how long they have waited and what they wrote before, on a compact card and beside the thread', async () => {
    const { platform, smtp } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Alice Agent' }], queue: { offerTimeoutSeconds: 120 } });
    const address = customer();
    // An earlier, closed interaction of the same customer in this account.
    const earlier = await platform.db.interaction.create({
      data: {
        accountId: routed.account.id,
        subject: 'Broken zipper',
        customerEmail: address,
        customerName: 'Carla Bianchi',
        status: 'closed',
        routingState: 'closed',
        closedAt: new Date(),
        lastMessageAt: new Date(Date.now() - 3 * 86_400_000),
      },
    });
    await platform.db.message.create({
      data: {
        interactionId: earlier.id,
        accountId: routed.account.id,
        direction: 'inbound',
        fromAddress: address,
        text: 'The zipper broke.',
      },
    });
    const { page: desk, errors } = await onlineAgent(routed);
    await routed.deliver(
      buildEmail({
        from: `Carla Bianchi <${address}>`,
        to: routed.account.emailAddress,
        subject: 'My order is late',
        text: 'Where is order 42? It was due on Monday.\n\nThanks, Carla',
      }),
    );

    const card = desk.locator('.offer', { hasText: 'My order is late' });
    await card.waitFor({ timeout: 30_000 });
    expect((await card.boundingBox())!.height).toBeLessThanOrEqual(80);
    expect(await card.locator('.offer-who strong').textContent()).toBe('Carla Bianchi');
    expect(await card.locator('.offer-preview').textContent()).toBe('Where is order 42? It was due on Monday. Thanks, Carla');
    // The account by name, once (the test account's name holds its key; the key is not shown besides).
    expect(await card.locator('.offer-account').textContent()).toBe(routed.account.name);
    expect((await card.textContent())!.split(routed.account.key).length).toBe(2);
    await card.locator('.offer-wait', { hasText: /^waiting \d+ s$/ }).waitFor();
    expect(await accessibilityViolations(desk)).toEqual([]);

    await acceptOffer(desk, 'My order is late');
    const panel = desk.getByRole('region', { name: 'Customer' });
    await panel.getByText('Carla Bianchi').waitFor();
    await panel.getByText(address).waitFor();
    await panel.getByRole('heading', { name: 'Earlier interactions (1)' }).waitFor();
    expect(await panel.locator('.customer-history li').textContent()).toContain('3 days ago');
    // The waiting time ticks; the state is in words.
    const waiting = desk.getByTestId('customer-waiting');
    const first = await waiting.textContent();
    expect(first).toMatch(/^Customer waiting \d+ (s|min)$/);
    await waiting.filter({ hasNotText: first! }).waitFor({ timeout: 5_000 });
    const bar = await desk.locator('.interaction-state').textContent();
    expect(bar).toContain('With you');
    expect(bar).not.toMatch(/accepted|open ·/);
    // Times in the thread are relative, the absolute time in their title.
    const time = desk.locator('.interaction-thread .message time').first();
    expect(await time.textContent()).toMatch(/now|sec|min/);
    expect(await time.getAttribute('title')).toBeTruthy();

    // The earlier interaction opens read-only beside the thread.
    await panel.getByRole('button', { name: 'Broken zipper' }).click();
    const past = desk.getByRole('region', { name: /^Earlier interaction: Broken zipper/ });
    await past.getByText('The zipper broke.').waitFor();
    await past.getByText(/Closed · read-only/).waitFor();
    expect(await past.getByRole('button', { name: /Send|Close interaction/ }).count()).toBe(0);
    expect(await accessibilityViolations(desk)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a new customer message shows a marker and scrolls into view', async () => {
    const { platform, smtp } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Max Agent' }], queue: { offerTimeoutSeconds: 120 } });
    const address = customer();
    const { page: desk, errors } = await onlineAgent(routed);
    const messageId = `first-${randomBytes(4).toString('hex')}@customer.test`;
    await routed.deliver(buildEmail({ from: address, to: routed.account.emailAddress, subject: 'Long story', text: LONG_TEXT, messageId }));
    await acceptOffer(desk, 'Long story');
    expect(await desk.locator('.message[data-new]').count()).toBe(0);

    await routed.deliver(
      buildEmail({
        from: address,
        to: routed.account.emailAddress,
        subject: 'Re: Long story',
        text: 'One more thing: the box was open.',
        inReplyTo: messageId,
        references: [messageId],
      }),
    );
    const marked = desk.locator('.message[data-new="true"]', { hasText: 'One more thing: the box was open.' });
    await marked.waitFor({ timeout: 30_000 });
    await desk.getByRole('status').filter({ hasText: 'New message from the customer' }).waitFor();
    // Scrolled into view (smoothly: wait for it to settle).
    await until(
      desk,
      `(() => {
        const box = document.querySelector('.message[data-new="true"]').getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight;
      })()`,
    );
    expect(await accessibilityViolations(desk)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the close controls are on screen at 1280×800 without scrolling', async () => {
    const { platform, smtp } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Cleo Agent' }], queue: { offerTimeoutSeconds: 120 } });
    const { page: desk, errors } = await onlineAgent(routed);
    await routed.deliver(buildEmail({ from: customer(), to: routed.account.emailAddress, subject: 'Very long', text: LONG_TEXT }));
    await acceptOffer(desk, 'Very long');
    const close = desk.getByRole('form', { name: 'Close interaction' });
    const onScreen = async () => {
      for (const control of [close.getByLabel('Disposition (required)'), close.getByRole('button', { name: 'Close interaction' })]) {
        const box = (await control.boundingBox())!;
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.y + box.height).toBeLessThanOrEqual(800);
      }
    };
    expect(await desk.evaluate('document.documentElement.scrollHeight')).toBeGreaterThan(800);
    expect(await desk.evaluate('window.scrollY')).toBe(0);
    await onScreen();
    // Read to the end of the thread: the controls stay.
    await desk.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    expect(await desk.evaluate('window.scrollY')).toBeGreaterThan(0);
    await onScreen();
    expect(await accessibilityViolations(desk)).toEqual([]);
    await close.getByLabel('Disposition (required)').selectOption({ label: 'Solved' });
    await close.getByRole('button', { name: 'Close interaction' }).click();
    await desk.getByText('Accept an offer or pick one of your interactions.').waitFor();
    expect(errors).toEqual([]);
  });

  async function transferScenario() {
    const { platform, smtp } = started;
    // Only Ana is in the queue; Ben, Pia and Otto can be reached by transfer only.
    const routed = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Ana' }, { name: 'Ben', inQueue: false }, { name: 'Pia', inQueue: false }, { name: 'Otto', inQueue: false }],
      queue: { offerTimeoutSeconds: 120 },
      account: { transferEnabled: true, transferToAgent: true, transferToQueue: true, transferTimeoutSeconds: 120 },
    });
    const ana = await onlineAgent(routed);
    await routed.deliver(
      buildEmail({ from: customer(), to: routed.account.emailAddress, subject: 'Refund please', text: 'Refund order 7.' }),
    );
    await acceptOffer(ana.page, 'Refund please');
    return { routed, ana };
  }

  it('a paused agent is shown paused and cannot be picked as a transfer target', async () => {
    const { platform } = started;
    const { routed, ana } = await transferScenario();
    const [, ben, pia] = routed.agents as [RoutedAgent, RoutedAgent, RoutedAgent, RoutedAgent];
    const lunch = await platform.admin.post('/api/pause-statuses', { name: `Lunch ${routed.account.key}` });
    await platform.db.user.update({ where: { id: ben.id }, data: { presence: 'online' } });
    await platform.db.user.update({ where: { id: pia.id }, data: { presence: 'paused', pauseStatusId: lunch.body.id } });

    const desk = ana.page;
    await desk.getByRole('tab', { name: 'Transfer' }).click();
    const transfer = desk.getByRole('form', { name: 'Transfer' });
    await transfer.getByLabel('agent', { exact: true }).check();
    const target = transfer.getByRole('combobox', { name: 'Target agent' });
    const paused = target.locator('option', { hasText: 'Pia' });
    expect(await paused.textContent()).toBe(`Pia (Paused: Lunch ${routed.account.key})`);
    expect(await paused.isDisabled()).toBe(true);
    expect(await target.locator('option', { hasText: 'Otto' }).textContent()).toBe('Otto (Offline)');
    expect(await target.locator('option', { hasText: 'Otto' }).isDisabled()).toBe(true);
    expect(await target.locator('option', { hasText: 'Ben' }).isDisabled()).toBe(false);
    await expect(target.selectOption(String(pia.id), { timeout: 1_000 })).rejects.toThrow();
    expect(await accessibilityViolations(desk)).toEqual([]);
    expect(ana.errors).toEqual([]);
  });

  it('after transferring, the interaction leaves the agent’s list and the next agent sees the handover note', async () => {
    const { routed, ana } = await transferScenario();
    const [, benAgent] = routed.agents as [RoutedAgent, RoutedAgent];
    const ben = await onlineAgent(routed, benAgent);
    const desk = ana.page;
    await desk.locator('.interaction-tabs [role="tab"]', { hasText: 'Refund please' }).waitFor();

    await desk.getByRole('tab', { name: 'Transfer' }).click();
    const transfer = desk.getByRole('form', { name: 'Transfer' });
    await transfer.getByLabel('agent', { exact: true }).check();
    await transfer.getByRole('combobox', { name: 'Target agent' }).selectOption({ label: 'Ben' });
    await transfer.getByLabel(/^Handover note/).fill('Refund approved by the shop; just confirm the bank details.');
    await transfer.getByRole('button', { name: 'Transfer' }).click();

    // Ana's list no longer has it; her view says whom it waits for, with nothing to act with.
    await desk.locator('.interaction-tabs [role="tab"]', { hasText: 'Refund please' }).waitFor({ state: 'detached', timeout: 10_000 });
    await desk.getByRole('status').filter({ hasText: 'Transferred, waiting for Ben to accept' }).waitFor({ timeout: 10_000 });
    expect(await desk.getByRole('form', { name: 'Close interaction' }).count()).toBe(0);
    expect(await desk.getByRole('tab', { name: 'Reply' }).count()).toBe(0);
    expect(await accessibilityViolations(desk)).toEqual([]);

    // Ben is offered it as a transfer, accepts, and reads the note first.
    const card = ben.page.locator('.offer', { hasText: 'Refund please' });
    await card.getByText('Transferred to you').waitFor({ timeout: 15_000 });
    await acceptOffer(ben.page, 'Refund please');
    const note = ben.page.getByRole('note', { name: 'Handover note' });
    await note.waitFor();
    expect(await note.textContent()).toBe('Handover note from Ana: Refund approved by the shop; just confirm the bank details.');
    expect(await accessibilityViolations(ben.page)).toEqual([]);
    expect([...ana.errors, ...ben.errors]).toEqual([]);
  });
});
