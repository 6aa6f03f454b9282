/**
 * The desk shows the server's truth as it changes, in Chromium against the real platform: presence changed by routing
 * arrives live, and of two overlapping loads of the offers the newer one's answer is the one that stays on screen.
 */
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, type RoutedAgent } from '../support/routed-account';
import { logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: the desk follows the server live', () => {
  const started = useBrowserPlatform();

  it('shows at once, without a reload, that routing paused the agent for a missed offer, says why, and resumes', async () => {
    const { platform, smtp, browser } = started;
    const notResponding = await platform.admin.post('/api/pause-statuses', { name: `Missed an offer ${Date.now()}` });
    const routed = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Rita Agent' }],
      queue: { offerTimeoutSeconds: 2, notRespondingPauseStatusId: notResponding.body.id },
    });
    const [agent] = routed.agents as [RoutedAgent];
    const { page: desk } = await openPage(browser, platform.apiUrl);
    await logIn(desk, agent.email, agent.password);
    await desk.getByRole('button', { name: 'Go online' }).click();
    await desk.getByTestId('presence').filter({ hasText: 'Online' }).waitFor();
    await desk.locator('.live.live').waitFor();
    expect(await desk.getByTestId('presence-banner').count()).toBe(0);

    await routed.deliver(buildEmail({ from: 'ivy@customer.test', to: routed.account.emailAddress, subject: 'Hello?', text: 'Anyone?' }));
    await desk.locator('.offer').waitFor({ timeout: 30_000 });
    // The offer runs out: the queue pauses Rita, and her desk says so live (the offer is gone from it too).
    const banner = desk.getByTestId('presence-banner');
    await banner.filter({ hasText: `You are paused: Missed an offer` }).waitFor({ timeout: 20_000 });
    await desk.getByTestId('presence').filter({ hasText: 'Paused: Missed an offer' }).waitFor();
    await desk.locator('.offer').waitFor({ state: 'detached' });
    expect(await desk.getByText('Waiting for emails…').count()).toBe(0);

    await banner.getByRole('button', { name: 'Resume' }).click();
    await banner.waitFor({ state: 'detached' });
    await desk.getByTestId('presence').filter({ hasText: 'Online' }).waitFor();
    expect((await platform.db.user.findUniqueOrThrow({ where: { id: agent.id } })).presence).toBe('online');
  });

  it('keeps the newest list of offers when an older load of it answers late', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Lena Agent' }], queue: { offerTimeoutSeconds: 120 } });
    const [agent] = routed.agents as [RoutedAgent];
    const { page: desk, errors } = await openPage(browser, platform.apiUrl);
    await logIn(desk, agent.email, agent.password);
    await desk.locator('.live.live').waitFor();

    // Going online makes the desk load its offers (the presence event); that answer, read before the email exists,
    // is held back until the offer has arrived by a later load, as a busy server or network may do.
    let releaseLate!: () => void;
    const lateAnswered = new Promise<void>((resolve) => (releaseLate = resolve));
    let held = false;
    await desk.route('**/api/me/offers', async (route) => {
      if (held) return route.continue();
      held = true;
      const stale = await route.fetch();
      await desk
        .locator('.offer')
        .waitFor({ timeout: 30_000 })
        .catch(() => undefined);
      await route.fulfill({ response: stale });
      releaseLate();
    });
    await desk.getByRole('button', { name: 'Go online' }).click();
    await desk.getByTestId('presence').filter({ hasText: 'Online' }).waitFor();
    await routed.deliver(
      buildEmail({ from: 'max@customer.test', to: routed.account.emailAddress, subject: 'Late?', text: 'Still there?' }),
    );
    await lateAnswered;
    expect(held).toBe(true);

    // The stale empty list came last; the offer stays (nothing else would bring it back before it expires).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await desk.locator('.offer', { hasText: 'Late?' }).count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
