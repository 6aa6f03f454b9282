/**
 * The desk, the supervisor view and the admin view laid out at 1024, 1280 and 1920 px wide: no element sticks out of
 * its container sideways (a column's text over its header, a list under the interaction panel), the page never
 * scrolls sideways, and the main regions of each view do not overlap. Measured from the bounding boxes in Chromium.
 */
import type { Page } from 'playwright-core';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, waitForOffer, type RoutedAgent } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

const WIDTHS = [1024, 1280, 1920];

interface LayoutProblems {
  pageScrollsSideways: boolean;
  overflowing: string[];
  overlapping: string[];
}

/**
 * Runs in the page (a string: the tests' tsconfig has no DOM types). An element overflows when its box passes its
 * parent's sideways, or its own content passes its box, unless a container clips or scrolls it on purpose (overflow
 * other than visible: a scroll area, an ellipsis). `regions`: the view's main regions, which must not overlap.
 */
async function layoutProblems(page: Page, regions: string[]): Promise<LayoutProblems> {
  return (await page.evaluate(`((regions) => {
    const describe = (element) => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
      (element.className && typeof element.className === 'string' ? '.' + element.className.trim().split(/\\s+/).join('.') : '') +
      ' "' + (element.textContent || '').trim().slice(0, 30) + '"';
    const clips = (element) => getComputedStyle(element).overflowX !== 'visible';
    const overflowing = [];
    for (const element of document.querySelectorAll('body *')) {
      const style = getComputedStyle(element);
      if (style.display === 'none' || style.visibility === 'hidden' || style.position === 'fixed') continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      // Inside a container that clips or scrolls, the container is what is measured.
      let clipped = false;
      for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) if (clips(up)) { clipped = true; break; }
      if (clipped) continue;
      const parent = element.parentElement;
      if (parent && parent !== document.body && getComputedStyle(parent).display !== 'contents') {
        const outer = parent.getBoundingClientRect();
        if (box.right > outer.right + 1 || box.left < outer.left - 1) overflowing.push(describe(element) + ' passes ' + describe(parent));
      }
      if (style.display !== 'inline' && !clips(element) && element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
        overflowing.push(describe(element) + ' content ' + element.scrollWidth + ' > ' + element.clientWidth);
    }
    const boxes = regions.flatMap((selector) =>
      [...document.querySelectorAll(selector)].map((element) => ({ selector, box: element.getBoundingClientRect() })),
    );
    const overlapping = [];
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1)) {
        const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
        const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
        if (x > 1 && y > 1) overlapping.push(a.selector + ' overlaps ' + b.selector);
      }
    return {
      pageScrollsSideways: document.documentElement.scrollWidth > window.innerWidth,
      overflowing: [...new Set(overflowing)].slice(0, 20),
      overlapping,
    };
  })(${JSON.stringify(regions)})`)) as LayoutProblems;
}

async function expectLaidOut(page: Page, view: string, regions: string[]): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    await page.waitForTimeout(100); // one layout after the resize
    const problems = await layoutProblems(page, regions);
    expect({ view, width, ...problems }).toEqual({ view, width, pageScrollsSideways: false, overflowing: [], overlapping: [] });
  }
}

describe('layout at 1024, 1280 and 1920 px wide', () => {
  const started = useBrowserPlatform();

  it('an agent with an interaction open, a supervisor spying on it and an admin each get a page that fits every width', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Alice Agent' }, { name: 'Sam Supervisor', role: 'supervisor' }],
      queue: { offerTimeoutSeconds: 300 },
    });
    const [agent] = routed.agents as [RoutedAgent];
    const [supervisor] = routed.supervisors as [RoutedAgent];
    expect((await agent.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    await routed.deliver(
      buildEmail({
        from: 'Carla Customer-With-A-Rather-Long-Name <carla.with.a.long.address@customer-with-a-long-domain.test>',
        to: routed.account.emailAddress,
        subject: 'My order number 4242424242 has not arrived and the tracking page says nothing at all since Monday',
        text: 'Where is my order? '.repeat(40),
      }),
    );
    const offer = await waitForOffer(agent.client);
    expect((await agent.client.post(`/api/offers/${offer.id}/accept`, {})).status).toBe(200);

    // The desk, the interaction open.
    const desk = await openPage(browser, platform.apiUrl);
    await logIn(desk.page, agent.email, agent.password);
    await desk.page.getByRole('tab', { name: /My order number 4242424242/ }).click();
    await desk.page.locator('.message.inbound').first().waitFor();
    await expectLaidOut(desk.page, 'desk', ['.topbar', '.desk-side', '.interaction-body > *']);
    expect(await accessibilityViolations(desk.page)).toEqual([]);

    // The supervisor view, the same interaction spied on.
    const watch = await openPage(browser, platform.apiUrl);
    await logIn(watch.page, supervisor.email, supervisor.password);
    await watch.page.getByRole('combobox', { name: /^Account/ }).selectOption({ label: `${routed.account.key} · ${routed.account.name}` });
    const row = watch.page.locator('tr[data-interaction-id]').first();
    await row.getByRole('button').first().waitFor();
    await row.getByRole('button', { name: /My order number/ }).click();
    await watch.page
      .getByRole('region', { name: /^Interaction #/ })
      .locator('.message.inbound')
      .waitFor();
    await watch.page.getByRole('button', { name: 'Add condition' }).click();
    await expectLaidOut(watch.page, 'supervisor', [
      '.topbar',
      '.supervisor > .toolbar',
      '.supervisor > .realtime',
      '.supervisor > .interactions',
      '.supervisor > .spy',
    ]);
    expect(await accessibilityViolations(watch.page)).toEqual([]);

    // The admin view.
    const adminEmail = `layout-admin-${Date.now()}@test.invalid`;
    const created = await platform.admin.post('/api/users', {
      name: 'Ada Admin',
      email: adminEmail,
      role: 'admin',
      password: 'admin-password',
    });
    expect(created.status).toBe(201);
    const admin = await openPage(browser, platform.apiUrl);
    await logIn(admin.page, adminEmail, 'admin-password');
    await admin.page.getByRole('link', { name: 'Admin' }).click();
    await admin.page.locator('.admin-nav').waitFor();
    await admin.page.locator('.admin table, .admin form').first().waitFor();
    await expectLaidOut(admin.page, 'admin', ['.topbar', '.admin-nav', '.admin > :not(.admin-nav)']);
    expect(await accessibilityViolations(admin.page)).toEqual([]);

    expect([...desk.errors, ...watch.errors, ...admin.errors]).toEqual([]);
    await Promise.all([desk.close(), watch.close(), admin.close()]);
  });
});
