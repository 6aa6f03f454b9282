/**
 * The composer in Chromium against the real platform: canned answers inserted at the cursor and edited, rich text
 * (bold, lists) sent as HTML with a text part, Ctrl+Enter to send, and drafts that survive a reload.
 */
import type { Locator, Page } from 'playwright-core';
import type { CapturedEmail, SmtpSink } from '../support/smtp-sink';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, type RoutedAgent } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform, type BrowserPlatform } from './browser';

const SUBJECT = 'My order is late';
const REPLY_BOX = 'Reply to carla@customer.test';

/** An agent of a new account holds a new interaction from Carla, open on the desk. */
async function holdInteraction(started: BrowserPlatform, cannedAnswers: Array<{ name: string; body: string }> = []) {
  const { platform, smtp, browser } = started;
  const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Alice Agent' }], queue: { offerTimeoutSeconds: 120 } });
  const [agent] = routed.agents as [RoutedAgent];
  for (const answer of cannedAnswers) {
    expect((await platform.admin.post('/api/canned-answers', { ...answer, accountId: routed.account.id })).status).toBe(201);
  }
  const { page, errors } = await openPage(browser, platform.apiUrl);
  await logIn(page, agent.email, agent.password);
  await page.getByRole('button', { name: 'Go online' }).click();
  await page.getByTestId('presence').filter({ hasText: 'Online' }).waitFor();
  await routed.deliver(
    buildEmail({
      from: 'Carla Customer <carla@customer.test>',
      to: routed.account.emailAddress,
      subject: SUBJECT,
      text: 'Where is order 42?',
    }),
  );
  await page
    .locator('.offer')
    .getByRole('button', { name: /Accept/ })
    .click({ timeout: 30_000 });
  await page.getByRole('heading', { name: SUBJECT }).waitFor();
  const reply = page.getByRole('form', { name: 'Reply' });
  const editor = reply.getByRole('textbox', { name: REPLY_BOX });
  await editor.waitFor();
  return { page, errors, agent, reply, editor, smtp };
}

/** The first email the capture received after `before` others (the capture is shared by the file's tests). */
async function nextEmail(smtp: SmtpSink, before: number): Promise<CapturedEmail> {
  return (await smtp.waitForMessages(before + 1, 15_000))[before]!;
}

/** The editor's words once they read `expected` (its markup in the failure, to see what it holds instead). */
async function expectWords(editor: Locator, expected: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  let text = await editor.innerText();
  while (text !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    text = await editor.innerText();
  }
  if (text !== expected) expect({ text, html: await editor.innerHTML() }).toEqual({ text: expected, html: expect.anything() });
}

/**
 * Puts the cursor in the editor and waits until it is there: keys typed elsewhere on the desk are its shortcuts
 * (r, f, n, t…), and a slow machine may still be rendering the editor when the click lands.
 */
async function focusEditor(editor: Locator): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await editor.click();
    // As a string (the tests have no DOM types): whether the focus is in the rich-text editor's words.
    if (await editor.page().evaluate('Boolean(document.activeElement && document.activeElement.closest("[contenteditable=true]"))')) return;
    if (Date.now() > deadline) {
      // What holds the focus and what covers the editor's middle instead, to tell a slow render from a covered editor.
      const seen = await editor.page().evaluate(`(() => {
        const describe = (element) => element ? element.outerHTML.slice(0, 200) : 'nothing';
        const box = document.querySelector('[role=textbox][contenteditable]');
        const rect = box ? box.getBoundingClientRect() : null;
        const atMiddle = rect ? document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2) : null;
        return 'focus on ' + describe(document.activeElement) + '; at the editor middle ' + describe(atMiddle);
      })()`);
      throw new Error(`the cursor never reached the editor: ${String(seen)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** After a reload: the interaction open again at its address. */
async function reopen(page: Page): Promise<void> {
  await page.reload();
  await page.getByRole('heading', { name: SUBJECT }).waitFor({ timeout: 30_000 });
}

describe('web client: the composer', () => {
  const started = useBrowserPlatform();

  it('a canned answer is inserted at the cursor and edited before sending', async () => {
    const { page, errors, reply, editor, smtp } = await holdInteraction(started, [
      { name: 'Shipping today', body: 'Hello {{customer.name}}, your order ships today.' },
    ]);
    // The agent writes a greeting and a signature, and goes back to the empty line between them.
    await focusEditor(editor);
    await page.keyboard.type('Hi Carla,');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Best regards, Alice');
    await editor.filter({ hasText: 'Best regards, Alice' }).waitFor();
    await page.keyboard.press('ArrowUp');
    expect(await accessibilityViolations(page)).toEqual([]);

    await reply.getByRole('button', { name: 'Shipping today' }).click();
    await expectWords(editor, 'Hi Carla,\nHello Carla Customer, your order ships today.\nBest regards, Alice');
    // Edited in place: the canned greeting goes, the agent's own stays.
    await page.keyboard.press('Home');
    for (const _ of 'Hello Carla Customer, y') await page.keyboard.press('Delete');
    await page.keyboard.type('Y');
    await expectWords(editor, 'Hi Carla,\nYour order ships today.\nBest regards, Alice');

    const before = smtp.messages.length;
    await reply.getByRole('button', { name: 'Send reply' }).click();
    await reply.getByText('Reply sent.').waitFor();
    const sent = await nextEmail(smtp, before);
    expect(sent.text).toContain('Hi Carla,\nYour order ships today.\nBest regards, Alice');
    expect(sent.text?.split('ships today').length).toBe(2); // once
    expect(sent.text).not.toContain('Hello');
    expect(sent.html?.split('Your order ships today.').length).toBe(2);
    expect(sent.html).not.toContain('Hello');
    expect(errors).toEqual([]);
  });

  it('an agent writes a reply with bold and a list and sends it with Ctrl+Enter', async () => {
    const { page, errors, reply, editor, smtp } = await holdInteraction(started);
    const bold = reply.getByRole('button', { name: 'Bold' });
    const bulleted = reply.getByRole('button', { name: 'Bulleted list' });
    await focusEditor(editor);
    await page.keyboard.type('Thanks for waiting. ');
    await page.keyboard.press('Control+b');
    expect(await bold.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.type('It ships today');
    await page.keyboard.press('Control+b');
    expect(await bold.getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.type('.');
    await page.keyboard.press('Enter');
    await bulleted.click();
    expect(await bulleted.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.type('Tracking 42');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Invoice attached');
    expect(await accessibilityViolations(page)).toEqual([]);

    const before = smtp.messages.length;
    await page.keyboard.press('Control+Enter');
    await reply.getByText('Reply sent.').waitFor();
    const sent = await nextEmail(smtp, before);
    expect(sent.raw.toString('latin1')).toMatch(/^Content-Type: multipart\/alternative;/im);
    expect(sent.html).toContain('Thanks for waiting. <strong>It ships today</strong>.');
    expect(sent.html).toContain('<ul><li>Tracking 42</li><li>Invoice attached</li></ul>');
    expect(sent.text).toContain('Thanks for waiting. It ships today.\n- Tracking 42\n- Invoice attached');
    // Sent, the composer is empty again.
    await expectWords(editor, '');
    expect(errors).toEqual([]);
  });

  it('a half-written reply survives a reload, and is gone after sending', async () => {
    const { page, errors, agent, reply, editor, smtp } = await holdInteraction(started);
    await focusEditor(editor);
    await page.keyboard.type('Half a thought');
    await page.getByRole('tab', { name: 'Note' }).click();
    await page.getByRole('textbox', { name: /^Internal note/ }).fill('Called the courier');

    await reopen(page);
    await page.getByRole('tab', { name: 'Note' }).click();
    expect(await page.getByRole('textbox', { name: /^Internal note/ }).inputValue()).toBe('Called the courier');
    await page.getByRole('tab', { name: 'Reply' }).click();
    await reply.getByText('Draft restored.').waitFor();
    await expectWords(editor, 'Half a thought');
    expect(await accessibilityViolations(page)).toEqual([]);

    await focusEditor(editor);
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' and the rest.');
    const before = smtp.messages.length;
    await reply.getByRole('button', { name: 'Send reply' }).click();
    await reply.getByText('Reply sent.').waitFor();
    const sent = await nextEmail(smtp, before);
    expect(sent.text).toContain('Half a thought and the rest.');

    await reopen(page);
    await editor.waitFor();
    await expectWords(editor, '');
    expect(await reply.getByText('Draft restored.').count()).toBe(0);

    // Drafts are this user's: kept under their id, and gone from the browser when they log out.
    const draftKeys = `Object.keys(localStorage).filter((key) => key.startsWith('mailroute.draft.'))`;
    expect(await page.evaluate(draftKeys)).toEqual([expect.stringMatching(new RegExp(`^mailroute\\.draft\\.${agent.id}\\.\\d+\\.note$`))]);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Password').waitFor();
    expect(await page.evaluate(draftKeys)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
