/**
 * The agent's own mail on the desk, in Chromium against the real platform: unread interactions stand out in "My
 * interactions" (bold, and said so to a screen reader) until opened, "Mark unread" puts one back; the customer's
 * history beside the thread covers every account the agent works (never another's), one they hold opening on their
 * desk; and the agent's signature is theirs to write in "My settings".
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { waitFor } from '../../scripts/services/process-tools';
import { buildEmail } from '../support/mailbox';
import { uniqueAccountKey } from '../support/platform';
import { createRoutedAccount } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: read and unread, customer history and signature on the desk', () => {
  const started = useBrowserPlatform();

  /** The tab of one of "My interactions", by its subject. */
  const tabOf = (desk: Page, subject: string) => desk.getByRole('tab', { name: new RegExp(subject) });

  it("an agent sees unread interactions, the customer's history across their accounts, marks one unread and writes a signature", async () => {
    const { platform, smtp } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Alice Agent', capacity: 3 }] });
    const alice = routed.agents[0]!;
    const customer = `carla-${randomBytes(4).toString('hex')}@customer.test`;
    // A second account Alice works, and a third she does not, with the same customer's earlier emails.
    const seedAccount = (name: string) => {
      const key = uniqueAccountKey();
      return platform.db.emailAccount.create({ data: { name: `${name} ${key}`, key, emailAddress: `${key.toLowerCase()}@example.test` } });
    };
    const [billing, hidden] = [await seedAccount('Billing'), await seedAccount('Hidden')];
    await platform.db.accountAgent.create({ data: { accountId: billing.id, userId: alice.id } });
    const refund = await platform.db.interaction.create({
      data: {
        accountId: billing.id,
        subject: 'Refund for order 40',
        customerEmail: customer.toUpperCase(),
        agentId: alice.id,
        routingState: 'accepted',
        lastMessageAt: new Date(Date.now() - 3_600_000),
      },
    });
    await platform.db.message.create({
      data: {
        interactionId: refund.id,
        accountId: billing.id,
        direction: 'inbound',
        fromAddress: customer,
        text: 'Please refund order 40.',
      },
    });
    await platform.db.interaction.create({ data: { accountId: hidden.id, subject: 'Secret of another account', customerEmail: customer } });

    const { page: desk, errors } = await openPage(started.browser, platform.apiUrl);
    await logIn(desk, alice.email, alice.password);
    // Unread: bold, and named so.
    const refundTab = tabOf(desk, 'Refund for order 40');
    await refundTab.waitFor();
    expect(await refundTab.getAttribute('aria-label')).toBeNull();
    expect(await refundTab.textContent()).toMatch(/^Unread: /);
    expect(await desk.evaluate("getComputedStyle(document.querySelector('.interaction-tabs .unread .tab-subject')).fontWeight")).toBe(
      '700',
    );
    expect(await accessibilityViolations(desk)).toEqual([]);

    await desk.getByRole('button', { name: 'Go online' }).click();
    await routed.deliver(
      buildEmail({ from: `Carla <${customer}>`, to: routed.account.emailAddress, subject: 'Late parcel', text: 'Where?' }),
    );
    await desk
      .locator('.offer', { hasText: 'Late parcel' })
      .getByRole('button', { name: /^Accept/ })
      .click({ timeout: 30_000 });
    await desk.getByRole('heading', { name: 'Late parcel', level: 2 }).waitFor();

    // The history: this customer's interactions in both of Alice's accounts, with account, never the hidden one's.
    const panel = desk.getByRole('region', { name: 'Customer' });
    await panel.getByRole('heading', { name: 'Earlier interactions (1)' }).waitFor();
    const item = panel.locator('.customer-history li');
    expect(await item.textContent()).toContain(billing.name);
    expect(await desk.getByText('Secret of another account').count()).toBe(0);
    expect(await accessibilityViolations(desk)).toEqual([]);

    // One she holds opens on her desk; opening it reads it.
    await panel.getByRole('link', { name: new RegExp(`Open #${refund.id}`) }).click();
    await desk.getByRole('heading', { name: 'Refund for order 40', level: 2 }).waitFor();
    expect(new URL(desk.url()).pathname).toBe(`/app/desk/interactions/${refund.id}`);
    await waitFor('read in the database', async () => (await platform.db.interaction.findUniqueOrThrow({ where: { id: refund.id } })).read);
    expect(await refundTab.textContent()).not.toMatch(/Unread/);
    expect(await accessibilityViolations(desk)).toEqual([]);

    // Marked unread, it leaves the screen and stands out again.
    await desk.getByRole('button', { name: 'Mark unread' }).click();
    await desk.getByText('Accept an offer or pick one of your interactions.').waitFor();
    await refundTab.filter({ hasText: /^Unread: / }).waitFor();
    expect((await platform.db.interaction.findUniqueOrThrow({ where: { id: refund.id } })).read).toBe(false);
    expect(await accessibilityViolations(desk)).toEqual([]);

    // Her signature, in My settings.
    await desk.getByRole('button', { name: 'My settings' }).click();
    const dialog = desk.getByRole('dialog', { name: 'My settings' });
    await dialog.getByLabel('Signature').fill('Alice\nACME support');
    expect(await accessibilityViolations(desk)).toEqual([]);
    await dialog.getByRole('button', { name: 'Save signature' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await platform.db.user.findUniqueOrThrow({ where: { id: alice.id } })).signature).toBe('Alice\nACME support');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Opened again, it shows what is saved.
    await desk.getByRole('button', { name: 'My settings' }).click();
    expect(await dialog.getByLabel('Signature').inputValue()).toBe('Alice\nACME support');
    expect(errors).toEqual([]);
  });
});
