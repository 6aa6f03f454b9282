/**
 * Customers write in every script: in Chromium against the real platform, right-to-left text (Hebrew, Arabic) is laid
 * out right to left in the thread, plain or HTML.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, type RoutedAgent } from '../support/routed-account';
import { logIn, openPage, useBrowserPlatform } from './browser';

/** The element's laid-out direction (runs in the page; the tests' tsconfig has no DOM types). */
const direction = (element: unknown) =>
  (globalThis as unknown as { getComputedStyle(target: unknown): { direction: string } }).getComputedStyle(element).direction;

describe('web client: text direction', () => {
  const started = useBrowserPlatform();

  it('Hebrew plain text and Arabic HTML read right to left', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Ari Agent' }, { name: 'Noa Supervisor', role: 'supervisor' }],
    });
    const [supervisor] = routed.supervisors as [RoutedAgent];
    await routed.deliver(
      buildEmail({ from: 'dana@customer.test', to: routed.account.emailAddress, subject: 'הזמנה שלי', text: 'איפה החבילה שלי?' }),
    );
    await routed.deliver(
      buildEmail({
        from: 'omar@customer.test',
        to: routed.account.emailAddress,
        subject: 'طلبي',
        text: 'أين طلبي؟',
        html: '<p>أين طلبي؟</p>',
      }),
    );
    const interactions = async () => platform.db.interaction.findMany({ where: { accountId: routed.account.id }, orderBy: { id: 'asc' } });
    await waitFor('both emails ingested', async () => (await interactions()).length === 2);
    const [hebrew, arabic] = (await interactions()).map((interaction) => interaction.id) as [number, number];

    const { page, errors } = await openPage(browser, platform.apiUrl);
    await logIn(page, supervisor.email, supervisor.password);
    await page.goto(`/app/desk/interactions/${hebrew}`);
    const plain = page.locator('.message.inbound .text-body', { hasText: 'איפה' });
    await plain.waitFor();
    expect(await plain.evaluate(direction)).toBe('rtl');
    expect(await page.locator('.message.inbound .subject').evaluate(direction)).toBe('rtl');
    await page.goto(`/app/desk/interactions/${arabic}`);
    const paragraph = page.frameLocator('iframe.html-body').locator('p');
    await paragraph.waitFor();
    expect(await paragraph.evaluate(direction)).toBe('rtl');
    expect(errors).toEqual([]);
  });
});
