/**
 * Attachments, inline pictures, links and remote images of a thread, in Chromium against the real platform: files
 * download with their bytes, images show (inline in the body, as thumbnails in the list) through the user's
 * authorization, the agent's own files are listed on the reply, links open a new tab, and remote images load only
 * when the agent asks for that message.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from '../../scripts/services/process-tools';
import { uniqueMessageId } from '../support/mailbox';
import { acceptNextOffer, createRoutedAccount, type RoutedAccount, type RoutedAgent } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

/** A real PNG of one colour (the browser must decode it: its width is the proof it rendered). */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, checksum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, index) => rgb[index % 3]!)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
}

/** The image's decoded width once it has one (0 when it never renders). */
async function renderedWidth(image: Locator, timeoutMs = 15_000): Promise<number> {
  let width = 0;
  await waitFor(
    'the image to render',
    async () => {
      width = await image.evaluate((element: { complete: boolean; naturalWidth: number }) => (element.complete ? element.naturalWidth : 0));
      return width > 0;
    },
    { timeoutMs, intervalMs: 200 },
  ).catch(() => undefined);
  return width;
}

/** The agent holds the email's interaction and has it open on the desk. */
async function openHeld(page: Page, routed: RoutedAccount, subject: string): Promise<number> {
  const offer = await acceptNextOffer(routed.agent);
  const [agent] = routed.agents as [RoutedAgent];
  await logIn(page, agent.email, agent.password);
  await page.getByRole('tab', { name: new RegExp(`#${offer.interactionId} ${subject}`) }).click();
  await page.getByRole('heading', { name: subject }).waitFor();
  return offer.interactionId;
}

describe('web client: attachments, links and images of a thread', () => {
  const started = useBrowserPlatform();

  it('an agent opens a PDF attachment and an inline image', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Paula Agent' }] });
    const logo = png(24, 12, [200, 30, 30]);
    const photo = png(40, 30, [30, 120, 200]);
    const invoice = Buffer.from('%PDF-1.4\n% invoice 42\n%%EOF\n');
    await routed.deliver(
      await compose({
        from: 'Carla Customer <carla@customer.test>',
        to: routed.account.emailAddress,
        subject: 'Invoice and photo',
        messageId: uniqueMessageId('customer.test'),
        text: 'Invoice and photo attached.',
        html: '<p>Our logo: <img src="cid:logo@shop.test" alt="Shop logo"></p><p>Invoice and photo attached.</p>',
        attachments: [
          { filename: 'logo.png', contentType: 'image/png', content: logo, cid: 'logo@shop.test', contentDisposition: 'inline' },
          { filename: 'invoice-42.pdf', contentType: 'application/pdf', content: invoice },
          { filename: 'parcel.png', contentType: 'image/png', content: photo },
        ],
      }),
    );
    const { page: desk, errors } = await openPage(browser, platform.apiUrl);
    await openHeld(desk, routed, 'Invoice and photo');

    // The inline picture is drawn in place, inside the sandboxed frame.
    const body = desk.frameLocator('.message.inbound iframe.html-body');
    expect(await renderedWidth(body.getByRole('img', { name: 'Shop logo' }))).toBe(24);

    // Every file is listed with its type and size, the inline picture too; the PNG has a thumbnail.
    const files = desk.getByRole('list', { name: 'Attachments (3)' });
    await files.waitFor();
    expect(await files.getByRole('button', { name: /^Download / }).allTextContents()).toEqual(['logo.png', 'invoice-42.pdf', 'parcel.png']);
    expect(await files.getByRole('listitem').nth(1).textContent()).toContain(`application/pdf · ${invoice.length} B`);
    expect(await files.getByRole('listitem').nth(0).textContent()).toContain('shown in the message');
    expect(await renderedWidth(files.getByRole('img', { name: 'View parcel.png' }))).toBe(40);
    expect(await files.getByRole('img', { name: 'View invoice-42.pdf' }).count()).toBe(0);

    // The PDF downloads with the bytes the customer sent.
    const [download] = await Promise.all([
      desk.waitForEvent('download'),
      files.getByRole('button', { name: 'Download invoice-42.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('invoice-42.pdf');
    expect(readFileSync(await download.path()).equals(invoice)).toBe(true);

    expect(await accessibilityViolations(desk)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("an agent's own attachment is listed on the reply", async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Rhea Agent' }] });
    await routed.deliver(
      await compose({
        from: 'dan@customer.test',
        to: routed.account.emailAddress,
        subject: 'Return label please',
        messageId: uniqueMessageId('customer.test'),
        text: 'Can you send me a return label?',
      }),
    );
    const { page: desk, errors } = await openPage(browser, platform.apiUrl);
    await openHeld(desk, routed, 'Return label please');

    const label = Buffer.from('%PDF-1.4\n% return label\n%%EOF\n');
    await desk.getByLabel('Attachments').setInputFiles({ name: 'return-label.pdf', mimeType: 'application/pdf', buffer: label });
    await desk.getByRole('textbox', { name: /^Reply to/ }).click();
    await desk.keyboard.type('Your return label is attached.');
    await desk.getByRole('button', { name: 'Send reply' }).click();

    const reply = desk.locator('.message.outbound');
    const files = reply.getByRole('list', { name: 'Attachments (1)' });
    await files.waitFor({ timeout: 30_000 });
    expect(await files.textContent()).toContain(`application/pdf · ${label.length} B`);
    const [download] = await Promise.all([
      desk.waitForEvent('download'),
      files.getByRole('button', { name: 'Download return-label.pdf' }).click(),
    ]);
    expect(readFileSync(await download.path()).equals(label)).toBe(true);

    expect(await accessibilityViolations(desk)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a link in a customer email opens in a new tab and remote images load only on request', async () => {
    const { platform, smtp, browser } = started;
    const pixel = png(16, 8, [20, 160, 60]);
    const requests: string[] = [];
    const remote: Server = createServer((request, response) => {
      requests.push(request.url ?? '');
      if (request.url === '/pixel.png') response.writeHead(200, { 'content-type': 'image/png' }).end(pixel);
      else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Tracking</title><h1>Your parcel</h1>');
    });
    await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
    try {
      const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Lina Agent' }] });
      await routed.deliver(
        await compose({
          from: 'Newsletter <news@shop.test>',
          to: routed.account.emailAddress,
          subject: 'Where is my parcel',
          messageId: uniqueMessageId('shop.test'),
          text: 'Track your parcel',
          html: `<p><a href="${origin}/track">Track your parcel</a></p><p><img src="${origin}/pixel.png" alt="Carrier logo"></p>`,
        }),
      );
      const { page: desk, errors } = await openPage(browser, platform.apiUrl);
      await openHeld(desk, routed, 'Where is my parcel');

      // Remote images are blocked, and the agent is told so; nothing was asked of the remote server.
      const bar = desk.getByTestId('remote-images');
      await bar.filter({ hasText: 'Remote images are blocked' }).waitFor();
      const body = desk.frameLocator('.message.inbound iframe.html-body');
      await body.getByRole('link', { name: 'Track your parcel' }).waitFor();
      expect(requests).toEqual([]);
      expect(await accessibilityViolations(desk)).toEqual([]);

      // The link opens in a new tab, with no handle back to the desk.
      const [tab] = await Promise.all([desk.context().waitForEvent('page'), body.getByRole('link', { name: 'Track your parcel' }).click()]);
      await tab.waitForLoadState();
      expect(tab.url()).toBe(`${origin}/track`);
      expect(await tab.evaluate('window.opener === null')).toBe(true);
      await tab.close();
      expect(requests).toContain('/track');
      expect(requests).not.toContain('/pixel.png');

      // Loading the images is the agent's choice for this message: one request, the picture drawn.
      await bar.getByRole('button', { name: 'Load images' }).click();
      await bar.waitFor({ state: 'detached' });
      expect(await renderedWidth(body.getByRole('img', { name: 'Carrier logo' }))).toBe(16);
      expect(requests.filter((url) => url === '/pixel.png')).toHaveLength(1);
      expect(await accessibilityViolations(desk)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      remote.closeAllConnections();
      await new Promise<void>((resolve) => remote.close(() => resolve()));
    }
  });
});
