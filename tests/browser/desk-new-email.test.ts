/**
 * The agent's own mail in Chromium against the real platform: a new email to a customer becomes an interaction the
 * agent holds, and Reply all fills in the customer's Cc's (the account's own address left out), with Bcc on demand.
 */
import type { Locator } from 'playwright-core';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, type RoutedAgent } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: the agent writes to customers', () => {
  const started = useBrowserPlatform();

  it('an agent writes a new email to a customer and then holds it as one of their interactions', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Nora Agent' }] });
    const [agent] = routed.agents as [RoutedAgent];
    const { page, errors } = await openPage(browser, platform.apiUrl);
    await logIn(page, agent.email, agent.password);

    await page.getByRole('button', { name: 'New email' }).click();
    const form = page.getByRole('form', { name: 'New email' });
    await form.getByRole('textbox', { name: 'To', exact: true }).fill('Olga Customer <olga@customer.test>');
    await form.getByRole('button', { name: 'Cc/Bcc' }).click();
    await form.getByRole('textbox', { name: 'Bcc' }).fill('records@company.test');
    await form.getByRole('textbox', { name: 'Subject' }).fill('Your new contract');
    const words = form.getByRole('textbox', { name: 'Message' });
    await words.click();
    await page.keyboard.type('Your new contract is attached below.');
    expect(await accessibilityViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Send' }).click();

    // Sent as written (Bcc in the envelope only), and open on the desk as the agent's own interaction.
    const [sent] = await smtp.waitForMessages(1, 15_000);
    expect(sent!.subject).toBe('Your new contract');
    expect(sent!.to).toEqual([{ name: 'Olga Customer', address: 'olga@customer.test' }]);
    expect(sent!.envelope.rcptTo).toEqual(['olga@customer.test', 'records@company.test']);
    await page.getByRole('heading', { name: 'Your new contract' }).waitFor({ timeout: 30_000 });
    await page.getByRole('tab', { name: /Your new contract/ }).waitFor();
    await page.getByRole('form', { name: 'Reply' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("Reply all keeps the customer's Cc's without the account's own address, and Bcc opens on demand", async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Paul Agent' }], queue: { offerTimeoutSeconds: 120 } });
    const [agent] = routed.agents as [RoutedAgent];
    const { page, errors } = await openPage(browser, platform.apiUrl);
    await logIn(page, agent.email, agent.password);
    await page.getByRole('button', { name: 'Go online' }).click();
    await page.getByTestId('presence').filter({ hasText: 'Online' }).waitFor();
    await routed.deliver(
      buildEmail({
        from: 'Rita Customer <rita@customer.test>',
        to: routed.account.emailAddress,
        cc: ['sam@customer.test', routed.account.emailAddress],
        subject: 'Meeting notes',
        text: 'See the notes, Sam is in copy.',
      }),
    );
    await page
      .locator('.offer')
      .getByRole('button', { name: /Accept/ })
      .click({ timeout: 30_000 });
    const reply = page.getByRole('form', { name: 'Reply' });
    const to = reply.getByRole('textbox', { name: 'To', exact: true });
    await expectValue(to, 'Rita Customer <rita@customer.test>');
    expect(await reply.getByRole('textbox', { name: 'Cc', exact: true }).count()).toBe(0);

    await reply.getByRole('button', { name: 'Reply all' }).click();
    await expectValue(reply.getByRole('textbox', { name: 'Cc', exact: true }), 'sam@customer.test');
    await reply.getByRole('textbox', { name: 'Bcc' }).fill('boss@company.test');
    await reply.getByRole('textbox', { name: 'Reply to rita@customer.test' }).click();
    await page.keyboard.type('Thanks, both of you.');
    expect(await accessibilityViolations(page)).toEqual([]);
    const before = smtp.messages.length;
    await reply.getByRole('button', { name: 'Send reply' }).click();

    const sent = (await smtp.waitForMessages(before + 1, 15_000))[before];
    expect(sent!.subject).toBe('Re: Meeting notes');
    expect(sent!.cc.map((cc) => cc.address)).toEqual(['sam@customer.test']);
    expect(sent!.envelope.rcptTo).toEqual(['rita@customer.test', 'sam@customer.test', 'boss@company.test']);
    // The thread shows whom it went to in copy and in blind copy.
    await page.locator('.message.outbound .copies').filter({ hasText: 'Bcc: boss@company.test' }).waitFor({ timeout: 15_000 });
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

async function expectValue(input: Locator, expected: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await input.inputValue()) !== expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await input.inputValue()).toBe(expected);
}
