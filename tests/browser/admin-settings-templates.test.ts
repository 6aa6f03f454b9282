/**
 * The account's templates in the admin, in Chromium against the real platform: the email template (font, size,
 * colour, text, an uploaded logo) with a live preview in a sandboxed frame, the notification template with
 * {{queue.name}} and its preview; then the customer's reply carries the logo inside the email (an inline part named by
 * its Content-ID, no remote image) and the agent's offer says the queue.
 */
import type { Locator } from 'playwright-core';
import { waitFor } from '../../scripts/services/process-tools';
import { buildEmail } from '../support/mailbox';
import { png } from '../support/png';
import { createRoutedAccount, waitForOffer } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

/** The image's decoded width once it has one (0 when it never renders). */
async function renderedWidth(image: Locator): Promise<number> {
  let width = 0;
  await waitFor(
    'the image to render',
    async () => {
      width = await image.evaluate((element: { complete: boolean; naturalWidth: number }) => (element.complete ? element.naturalWidth : 0));
      return width > 0;
    },
    { timeoutMs: 15_000, intervalMs: 200 },
  );
  return width;
}

describe('web client: the account’s email and notification templates', () => {
  const started = useBrowserPlatform();

  it('an admin styles the email template with a logo and a live preview; the customer’s reply carries the logo inside the email', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { agentNames: ['Alice Agent'] });
    const { account } = routed;
    const queueName = (await platform.admin.get(`/api/queues/${routed.queueId}`)).body.name as string;
    const email = `tina-${account.key}@test.invalid`;
    expect((await platform.admin.post('/api/users', { name: 'Tina Admin', email, role: 'admin', password: 'admin-password' })).status).toBe(
      201,
    );
    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, email, 'admin-password');
    await page.goto('/app/admin/accounts');
    await page.getByRole('button', { name: `Edit ${account.key}` }).click();

    const form = page.getByRole('form', { name: 'Email template' });
    await form.getByLabel('Font family').selectOption({ label: 'Georgia' });
    await form.getByLabel('Font size (px)').fill('15');
    await form.getByLabel('Text colour').fill('#1a4d80');
    await form.getByLabel('Template text').fill('Hello {{customer.name}},\n\n{{message}}\n\n-- {{agent.name}}, {{account.name}}');
    // The preview is the body as the customer will read it, rendered while the admin types.
    const preview = page.frameLocator('iframe[title="Preview of a reply as the customer sees it"]');
    await preview.getByText('Hello Carla Customer,').waitFor();
    await preview.getByText('-- Alice Agent, ' + account.name).waitFor();
    const style = await preview.locator('body > div').getAttribute('style');
    expect(style).toContain('font-family:Georgia, serif');
    expect(style).toContain('font-size:15px');
    expect(style).toContain('color:#1a4d80');
    expect(await page.locator('iframe.email-preview').getAttribute('sandbox')).toBe('');

    // The logo is uploaded, not linked: the preview shows the bytes the email will carry.
    await form
      .getByLabel('Upload a logo')
      .setInputFiles({ name: 'acme-logo.png', mimeType: 'image/png', buffer: png(40, 20, [10, 80, 160]) });
    await form.getByText('Logo acme-logo.png uploaded.').waitFor();
    expect(await renderedWidth(preview.getByRole('img', { name: account.name }))).toBe(40);
    // A file that only claims to be a PNG is refused, with the reason under the logo.
    await form.getByLabel('Replace the logo').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('<svg/>') });
    await form.getByRole('alert').filter({ hasText: 'image/png' }).waitFor();
    await form.getByRole('button', { name: 'Save email template' }).click();
    await form.getByText('Saved.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    const saved = await platform.db.emailAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(saved.bodyTemplate).toEqual({
      fontFamily: 'Georgia, serif',
      fontSize: 15,
      color: '#1a4d80',
      text: 'Hello {{customer.name}},\n\n{{message}}\n\n-- {{agent.name}}, {{account.name}}',
      logo: {
        filename: 'acme-logo.png',
        contentType: 'image/png',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        size: expect.any(Number),
      },
    });

    // The notification template: {{queue.name}} among its variables, previewed as the desk will show it.
    const notification = page.getByRole('form', { name: 'Notification template' });
    await notification.getByRole('textbox').fill('{{queue.name}} · {{customer.name}} writes: {{subject}}');
    await page.getByTestId('notification-preview').getByText(`${queueName} · Carla Customer writes: Where is my order?`).waitFor();
    await notification.getByRole('button', { name: 'Save notification template' }).click();
    await notification.getByText('Saved.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();

    // The customer writes; the offer's notification names the queue; the agent's reply carries the logo inline.
    await routed.deliver(buildEmail({ from: 'Carla <carla@customer.test>', to: account.emailAddress, subject: 'Order 7', text: 'Where?' }));
    expect((await routed.agent.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    const offer = (await waitForOffer(routed.agent)) as Awaited<ReturnType<typeof waitForOffer>> & { notification: { text: string } };
    expect(offer.notification.text).toBe(`${queueName} · Carla writes: Order 7`);
    expect((await routed.agent.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
    const reply = await routed.agent.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'It ships today.' });
    expect(reply.status).toBe(200);
    const [sent] = await smtp.waitForMessages(1, 15_000);
    const logo = sent!.parsed.attachments.find((attachment) => attachment.contentType === 'image/png')!;
    expect(logo).toMatchObject({ contentDisposition: 'inline', cid: expect.stringMatching(/^logo-[0-9a-f]{16}@mailroute$/) });
    expect(logo.content.equals(png(40, 20, [10, 80, 160]))).toBe(true);
    // The HTML names the part by its Content-ID (mailparser turns such a cid: link into the part's bytes).
    expect(sent!.raw.toString('latin1')).toContain(`Content-ID: <${logo.cid}>`);
    expect(sent!.html).toContain(`<img src="data:image/png;base64,${png(40, 20, [10, 80, 160]).toString('base64')}"`);
    expect(sent!.html).not.toMatch(/src="https?:/);
    expect(sent!.raw.toString('latin1')).toMatch(/Content-Type: multipart\/related/i);
    expect(sent!.text).toMatch(/^Hello Carla,\s+It ships today\.\s+-- Alice Agent, /);
  });
});
