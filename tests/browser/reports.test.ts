/**
 * Reports in Chromium against the real platform: a supervisor picks a range and sees the figures, the daily chart and
 * the per-agent table, and downloads the CSV; an agent sees "My figures", their own only. Every view passes axe.
 * With MAILROUTE_SCREENSHOTS=1 it also writes the README's picture of the page (docs/screenshots/reports-1280.png).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Database } from '../../store/db';
import { createRoutedAccount, type RoutedAccount, type RoutedAgent } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

/** An interaction as the desk leaves it: a customer email, accepted by `agent`, maybe answered, closed. */
async function handled(
  db: Database,
  routed: RoutedAccount,
  agent: RoutedAgent,
  times: { arrived: string; accept: number; reply?: number; close: number },
) {
  const accountId = routed.account.id;
  const interaction = await db.interaction.create({
    data: {
      accountId,
      customerEmail: 'carla@customer.test',
      subject: 'Where is my order?',
      createdAt: at(times.arrived),
      queueId: routed.queueId,
    },
  });
  const message = await db.message.create({
    data: { interactionId: interaction.id, accountId, direction: 'inbound', receivedAt: at(times.arrived) },
  });
  await db.offer.create({
    data: {
      interactionId: interaction.id,
      messageId: message.id,
      userId: agent.id,
      workflowId: `report-${interaction.id}`,
      reservation: 'r1',
      source: 'queue-step',
      state: 'accepted',
      expiresAt: at(times.arrived, 3600),
      respondedAt: at(times.arrived, times.accept),
    },
  });
  if (times.reply !== undefined)
    await db.outboundEmail.create({
      data: {
        interactionId: interaction.id,
        accountId,
        kind: 'reply',
        authorId: agent.id,
        messageIdHeader: `<report-${interaction.id}@reports.test>`,
        envelope: {},
        status: 'sent',
        sentAt: at(times.arrived, times.reply),
      },
    });
  await db.interaction.update({
    where: { id: interaction.id },
    data: { agentId: agent.id, status: 'closed', routingState: 'closed', closedAt: at(times.arrived, times.accept + times.close) },
  });
}

async function showRange(page: Page, from: string, to: string) {
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
  await page.getByLabel('Time zone', { exact: true }).selectOption('UTC');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByText(`${from} to ${to}, days in UTC`).waitFor({ timeout: 15_000 });
}

function card(page: Page, label: string) {
  return page.locator('.report-card', { has: page.getByText(label, { exact: true }) }).locator('.report-value');
}

describe('reports', () => {
  const started = useBrowserPlatform();

  it('a supervisor picks a range, sees the figures and the daily chart, and downloads the CSV; an agent sees only their own', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Alice' }, { name: 'Bob' }, { name: 'Sue', role: 'supervisor' }],
    });
    const [alice, bob] = routed.agents as [RoutedAgent, RoutedAgent];
    const [sue] = routed.supervisors as [RoutedAgent];
    await handled(platform.db, routed, alice, { arrived: '2026-01-10T09:00:00Z', accept: 120, reply: 300, close: 600 });
    await handled(platform.db, routed, alice, { arrived: '2026-01-10T15:00:00Z', accept: 60, reply: 240, close: 1200 });
    await handled(platform.db, routed, bob, { arrived: '2026-01-11T08:00:00Z', accept: 30, close: 300 });

    const watch = await openPage(browser, platform.apiUrl);
    const page = watch.page;
    await logIn(page, sue.email, sue.password);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor({ timeout: 15_000 });
    await page.getByLabel('Account', { exact: true }).selectOption({ label: `${routed.account.key} · ${routed.account.name}` });
    await showRange(page, '2026-01-10', '2026-01-11');

    expect(await card(page, 'Customer emails').textContent()).toBe('3');
    expect(await card(page, 'Agent emails').textContent()).toBe('2');
    expect(await card(page, 'Closed').textContent()).toBe('3');
    expect(await card(page, 'Waiting, median').textContent()).toBe('1 min 0 s'); // 30, 60, 120 s
    const chart = page.getByRole('img', { name: /^Emails per day: 3 customer emails, 2 agent emails and 3 closed over 2 days$/ });
    await chart.waitFor();
    expect(await chart.locator('rect').count()).toBe(6); // two days, three series
    const agents = page.locator('section', { has: page.getByRole('heading', { name: /^Per agent/ }) });
    expect(
      (
        await agents
          .getByRole('row', { name: /^Alice/ })
          .locator('td')
          .allTextContents()
      ).slice(0, 3),
    ).toEqual(['2', '2', '2']);
    expect(await accessibilityViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('mailroute-summary-2026-01-10-to-2026-01-11.csv');
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')).toEqual([
      'day,inbound,outbound,newInteractions,closed,autoreplies,transfers',
      '2026-01-10,2,2,2,2,0,0',
      '2026-01-11,1,0,1,1,0,0',
      'total,3,2,3,3,0,0',
      '',
    ]);
    if (process.env.MAILROUTE_SCREENSHOTS)
      await page.screenshot({ path: path.resolve(__dirname, '../../docs/screenshots/reports-1280.png'), fullPage: true });
    await watch.close();

    // Bob's own figures: one interaction, no per-agent table, nobody else's numbers.
    const own = await openPage(browser, platform.apiUrl);
    await logIn(own.page, bob.email, bob.password);
    await own.page.getByRole('link', { name: 'My figures' }).click();
    await own.page.getByRole('heading', { name: 'My figures', level: 1 }).waitFor({ timeout: 15_000 });
    await showRange(own.page, '2026-01-10', '2026-01-11');
    expect(await card(own.page, 'Customer emails').textContent()).toBe('1');
    expect(await card(own.page, 'Handle time, median').textContent()).toBe('5 min 0 s');
    expect(await own.page.getByRole('heading', { name: /^Per agent/ }).count()).toBe(0);
    expect(await accessibilityViolations(own.page)).toEqual([]);
    await own.close();
  });
});
