/**
 * The web client in a real browser (Debian's Chromium through playwright-core) against the real platform:
 * Dovecot → routing workflow → offer on the agent desk → accept, reply with a canned answer (SMTP sink),
 * close with a mandatory disposition; a supervisor watches the realtime counts change live and exports CSV.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, type RoutedAgent } from '../support/routed-account';
import { logIn, openPage, unnamedControls, useBrowserPlatform } from './browser';

async function tileValue(page: Page, name: string, value: string, timeoutMs = 5_000): Promise<void> {
  // 5 s is well under the view's 10 s fallback poll: the change must come from the live events.
  await page.locator(`[data-testid="realtime-${name}"] dd`, { hasText: new RegExp(`^${value}$`) }).waitFor({ timeout: timeoutMs });
}

describe('web client: agent desk and supervisor view in Chromium against the real platform', () => {
  const started = useBrowserPlatform();

  it('serves the client at /app with a fallback to index.html, and leaves /api alone', async () => {
    const { platform } = started;
    const index = await fetch(`${platform.apiUrl}/app/supervisor`);
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    expect(html).toContain('<link rel="icon" type="image/svg+xml" href="/app/favicon.svg"');
    expect((await fetch(`${platform.apiUrl}/app/assets/missing.js`)).status).toBe(404);
    const icon = await fetch(`${platform.apiUrl}/app/favicon.svg`);
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    const unknownApi = await fetch(`${platform.apiUrl}/api/app`);
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toContain('application/problem+json');
  });

  it('offers an appended email live, then accept, canned-answer reply, mandatory disposition; the supervisor sees it all and exports CSV', async () => {
    const { platform, smtp, browser } = started;
    const admin = platform.admin;
    // A "Solved" disposition comes with the routed account; the disposition is mandatory there.
    const routed = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Alice Agent' }, { name: 'Sam Supervisor', role: 'supervisor' }],
      queue: { offerTimeoutSeconds: 120 },
      account: {
        notificationSound: true,
        notificationShake: true,
        notificationTemplate: 'Mail for {{account.key}} from {{customer.email}}: {{subject}}',
      },
    });
    const { account } = routed;
    const { key } = account;
    const accountId = account.id;
    const [agent] = routed.agents as [RoutedAgent];
    const [supervisor] = routed.supervisors as [RoutedAgent];
    await admin.post(`/api/accounts/${accountId}/dispositions`, { name: 'Needs follow-up' });
    const canned = await admin.post('/api/canned-answers', {
      name: 'Shipping today',
      body: 'Hello {{customer.name}}, your order ships today.',
      accountId,
    });
    expect(canned.status).toBe(201);
    await admin.post('/api/canned-answers', { name: `Global greeting ${key}`, body: 'Thank you for writing to us.', accountId: null });

    // The agent logs in and goes online; the supervisor opens the realtime view of the account.
    const agentPage = await openPage(browser, platform.apiUrl);
    const supervisorPage = await openPage(browser, platform.apiUrl);
    const desk = agentPage.page;
    const watch = supervisorPage.page;
    await logIn(desk, agent.email, agent.password);
    await desk.getByRole('button', { name: 'Go online' }).click();
    await desk.getByTestId('presence').filter({ hasText: 'Online' }).waitFor();
    expect((await platform.db.user.findUniqueOrThrow({ where: { id: agent.id } })).presence).toBe('online');

    await logIn(watch, supervisor.email, supervisor.password);
    await watch.getByRole('combobox', { name: /^Account/ }).selectOption({ label: `${key} · ${account.name}` });
    await tileValue(watch, 'in-progress', '0');
    await tileValue(watch, 'offered', '0');
    await desk.locator('.live.live').waitFor();
    await watch.locator('.live.live').waitFor();

    // An email appended to the mailbox appears as an offer on the desk.
    // Stamp the moment the offer is painted from inside the page (locator polling is coarser than that).
    // (A string: this code runs in the page, whose DOM types the tests' Node tsconfig does not have.)
    await desk.evaluate(`(() => {
      const observer = new MutationObserver(() => {
        if (document.querySelector('.offer')) {
          window.offerShownAt = Date.now();
          observer.disconnect();
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
    })()`);
    const appendedAt = Date.now();
    await routed.deliver(
      buildEmail({
        from: 'Carla Customer <carla@customer.test>',
        to: account.emailAddress,
        subject: 'My order is late',
        text: 'Where is order 42?',
      }),
    );
    const offerCard = desk.locator('.offer');
    await offerCard.waitFor({ timeout: 30_000 });
    const visibleAt = (await desk.evaluate('window.offerShownAt')) as number;
    const offerRow = await platform.db.offer.findFirstOrThrow({ where: { userId: agent.id }, orderBy: { id: 'desc' } });
    const offerToScreenMs = visibleAt - offerRow.createdAt.getTime();
    process.stdout.write(`[browser] append → offer on screen ${visibleAt - appendedAt} ms (offer row → screen ${offerToScreenMs} ms)\n`);
    // The client's part — from the offer being made to the agent seeing it — is held to a second. The whole path
    // also includes IMAP IDLE, ingestion and routing (about 0.9 s on an idle machine, 2 s with another jest worker
    // busy), so on a shared CI machine it is only reported, with a loose bound.
    expect(offerToScreenMs).toBeLessThan(1_000);
    expect(visibleAt - appendedAt).toBeLessThan(10_000);

    // The account key on the tab, the notification template rendered, sound and shake as the account says.
    expect(await desk.title()).toContain(key);
    expect(await offerCard.getAttribute('title')).toBe(`Mail for ${key} from carla@customer.test: My order is late`);
    expect(await offerCard.getAttribute('data-shake')).toBe('on');
    await desk.locator('.offers:not([data-sound-at=""])').waitFor({ timeout: 2_000 }); // the tone played
    await tileValue(watch, 'offered', '1');

    // Accept: the thread opens.
    await offerCard.getByRole('button', { name: 'Accept' }).click();
    await desk.getByRole('heading', { name: 'My order is late' }).waitFor();
    await desk.locator('.message.inbound', { hasText: 'Where is order 42?' }).waitFor();
    await tileValue(watch, 'in-progress', '1');
    await tileValue(watch, 'offered', '0');
    expect(await unnamedControls(desk)).toEqual([]);

    // Reply with a canned answer found by searching the blended (global + account) list.
    const reply = desk.getByRole('form', { name: 'Reply' });
    await reply.getByRole('button', { name: `Global greeting ${key}` }).waitFor();
    await reply.getByLabel('Search canned answers').fill('ships');
    expect(await reply.getByRole('button', { name: `Global greeting ${key}` }).count()).toBe(0);
    await reply.getByRole('button', { name: 'Shipping today' }).click();
    const rendered = 'Hello Carla Customer, your order ships today.';
    // The canned answer is rendered into the reply as words the agent can still edit.
    await reply.getByRole('textbox', { name: 'Reply to carla@customer.test' }).filter({ hasText: rendered }).waitFor();
    await reply.getByLabel('Attachments').setInputFiles({ name: 'label.txt', mimeType: 'text/plain', buffer: Buffer.from('tracking 42') });
    await reply.getByRole('button', { name: 'Send reply' }).click();
    await reply.getByText('Reply sent.').waitFor();
    const [sent] = await smtp.waitForMessages(1, 15_000);
    expect(sent!.envelope.rcptTo).toEqual(['carla@customer.test']);
    expect(sent!.text?.split(rendered).length).toBe(2); // exactly once
    expect(sent!.parsed.attachments.map((file) => [file.filename, file.content.toString()])).toEqual([['label.txt', 'tracking 42']]);
    await desk.locator('.message.outbound', { hasText: 'your order ships today' }).waitFor();

    // Close: the disposition is mandatory, so the button waits for one.
    const close = desk.getByRole('form', { name: 'Close interaction' });
    const closeButton = close.getByRole('button', { name: 'Close interaction' });
    expect(await closeButton.isDisabled()).toBe(true);
    await close.getByLabel('Disposition (required)').selectOption({ label: 'Solved' });
    await closeButton.click();
    await desk.getByText('Accept an offer or pick one of your interactions.').waitFor();
    const interaction = await platform.db.interaction.findFirstOrThrow({ where: { accountId } });
    expect(interaction).toMatchObject({ status: 'closed', dispositionId: routed.dispositionId, agentId: agent.id });
    await tileValue(watch, 'in-progress', '0');

    // The supervisor's list shows the closed interaction; export the selection as CSV.
    const row = watch.locator(`tr[data-interaction-id="${interaction.id}"]`);
    await row.filter({ hasText: 'closed' }).waitFor({ timeout: 5_000 });
    await watch.getByLabel(`Select interaction ${interaction.id}`).check();
    const [csv] = await Promise.all([watch.waitForEvent('download'), watch.getByRole('button', { name: 'Export CSV (1)' }).click()]);
    expect(csv.suggestedFilename()).toBe('interactions.csv');
    const content = readFileSync((await csv.path())!, 'utf8').replace(/^\uFEFF/, '');
    const [header, line, ...rest] = content.trim().split('\r\n');
    expect(header).toBe(
      'id,accountKey,subject,customerEmail,customerName,status,read,agent,queueId,priority,tags,disposition,createdAt,closedAt',
    );
    expect(rest).toEqual([]);
    expect(line).toContain(`${interaction.id},${key},My order is late,carla@customer.test,Carla Customer,closed,true,Alice Agent,`);
    expect(line).toContain(',Solved,');

    // Spy: the thread with an internal note, the zip of the thread, the link to the workflow in Temporal's Web UI.
    await row.getByRole('button', { name: 'My order is late' }).click();
    const spy = watch.getByRole('region', { name: /^Interaction #/ });
    await spy.locator('.message.outbound', { hasText: 'your order ships today' }).waitFor();
    await watch.getByRole('button', { name: 'Add condition' }).click();
    expect(await unnamedControls(watch)).toEqual([]);
    await spy.getByRole('textbox', { name: /^Internal note/ }).fill('Checked with the courier.');
    await spy.getByRole('button', { name: 'Add note' }).click();
    await spy.locator('.message.note', { hasText: 'Checked with the courier.' }).waitFor();
    expect(await platform.db.message.count({ where: { interactionId: interaction.id, direction: 'note', authorId: supervisor.id } })).toBe(
      1,
    );
    const [zip] = await Promise.all([
      watch.waitForEvent('download'),
      spy.getByRole('button', { name: 'Download zip', exact: true }).click(),
    ]);
    expect(zip.suggestedFilename()).toBe(`interaction-${interaction.id}.zip`);
    const zipBytes = readFileSync((await zip.path())!);
    expect(zipBytes.subarray(0, 2).toString()).toBe('PK');
    expect(zipBytes.includes(Buffer.from('001.eml'))).toBe(true);
    expect(zipBytes.includes(Buffer.from('002.eml'))).toBe(true);
    const [textOnly] = await Promise.all([
      watch.waitForEvent('download'),
      spy.getByRole('button', { name: 'Download zip without attachments' }).click(),
    ]);
    expect(textOnly.suggestedFilename()).toBe(`interaction-${interaction.id}-without-attachments.zip`);
    // Closed, the interaction has no current workflow, but its link stays: the workflow it was routed by.
    const workflowId = (
      await platform.db.routingEvent.findFirstOrThrow({ where: { interactionId: interaction.id, workflowId: { not: null } } })
    ).workflowId!;
    expect(await spy.getByRole('link', { name: 'Workflow in Temporal Web UI' }).getAttribute('href')).toBe(
      `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}`,
    );

    // Bulk delete of the selection, after the confirmation, removes it for good.
    watch.once('dialog', (dialog) => void dialog.accept());
    await watch.getByRole('button', { name: 'Delete selected' }).click();
    await watch.getByText('Deleted 1 interaction(s).').waitFor();
    await row.waitFor({ state: 'detached' });
    expect(await platform.db.interaction.count({ where: { id: interaction.id } })).toBe(0);

    expect([...agentPage.errors, ...supervisorPage.errors]).toEqual([]);
    await agentPage.close();
    await supervisorPage.close();
  });

  it('pauses with a reason, forwards with an attachment, and passes the interaction on by supervisor reassign and agent transfer', async () => {
    const { platform, smtp, browser } = started;
    const admin = platform.admin;
    // Only Ana is in the queue: Ben gets the interaction by reassign, and Ana again when he transfers it to the queue.
    const routed = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Ana' }, { name: 'Ben', inQueue: false }, { name: 'Sue', role: 'supervisor' }],
      queue: { offerTimeoutSeconds: 120 },
      account: {
        mandatoryDisposition: false,
        transferEnabled: true,
        transferToAgent: true,
        transferToQueue: true,
        transferTimeoutSeconds: 120,
      },
    });
    const { account } = routed;
    const { key } = account;
    const accountId = account.id;
    const [ana, ben] = routed.agents as [RoutedAgent, RoutedAgent];
    const [sue] = routed.supervisors as [RoutedAgent];
    const lunch = await admin.post('/api/pause-statuses', { name: `Lunch ${key}` });

    const anaPage = await openPage(browser, platform.apiUrl);
    const benPage = await openPage(browser, platform.apiUrl);
    const suePage = await openPage(browser, platform.apiUrl);
    const desk = anaPage.page;
    await logIn(desk, ana.email, ana.password);

    // Pause with a reason, then online.
    await desk.getByRole('combobox', { name: 'Pause reason' }).selectOption({ label: `Lunch ${key}` });
    await desk.getByRole('button', { name: 'Pause' }).click();
    await desk
      .getByTestId('presence')
      .filter({ hasText: `Paused: Lunch ${key}` })
      .waitFor();
    expect(await platform.db.user.findUniqueOrThrow({ where: { id: ana.id } })).toMatchObject({
      presence: 'paused',
      pauseStatusId: lunch.body.id,
    });
    await desk.getByRole('button', { name: 'Go online' }).click();
    await desk.getByTestId('presence').filter({ hasText: 'Online' }).waitFor();

    await routed.deliver(
      buildEmail({
        from: 'Dan Customer <dan@customer.test>',
        to: account.emailAddress,
        subject: 'Parcel damaged',
        text: 'The box was crushed.',
      }),
    );
    await desk.locator('.offer').getByRole('button', { name: 'Accept' }).click({ timeout: 30_000 });
    await desk.getByRole('heading', { name: 'Parcel damaged' }).waitFor();
    const interaction = await platform.db.interaction.findFirstOrThrow({ where: { accountId } });

    // Forward to the warehouse with a photo and the customer's message.
    await desk.getByRole('tab', { name: 'Forward' }).click();
    const forward = desk.getByRole('form', { name: 'Forward' });
    await forward.getByLabel('To', { exact: true }).fill('Warehouse <warehouse@partner.test>');
    await forward.getByLabel('Message', { exact: true }).fill('Please check this parcel.');
    await forward.getByLabel('Include the previous message').check();
    await forward
      .getByLabel('Attachments')
      .setInputFiles({ name: 'photo.txt', mimeType: 'text/plain', buffer: Buffer.from('crushed box') });
    await forward.getByRole('button', { name: 'Forward' }).click();
    await forward.getByText('Forwarded.').waitFor();
    const isForward = (message: (typeof smtp.messages)[number]) => message.envelope.rcptTo.includes('warehouse@partner.test');
    for (let waited = 0; !smtp.messages.some(isForward) && waited < 15_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const forwarded = smtp.messages.find(isForward);
    expect(forwarded?.to).toEqual([{ address: 'warehouse@partner.test', name: 'Warehouse' }]);
    expect(forwarded?.text).toContain('Please check this parcel.');
    expect(forwarded?.text).toContain('The box was crushed.');
    expect(forwarded?.parsed.attachments.map((file) => file.filename)).toContain('photo.txt');

    // The supervisor reassigns it to Ben, who accepts it on his desk.
    await logIn(benPage.page, ben.email, ben.password);
    await benPage.page.getByRole('button', { name: 'Go online' }).click();
    await benPage.page.getByTestId('presence').filter({ hasText: 'Online' }).waitFor();
    const watch = suePage.page;
    await logIn(watch, sue.email, sue.password);
    await watch.getByRole('combobox', { name: /^Account/ }).selectOption({ label: `${key} · ${account.name}` });
    await watch.locator(`tr[data-interaction-id="${interaction.id}"]`).getByRole('button', { name: 'Parcel damaged' }).click();
    const spy = watch.getByRole('region', { name: /^Interaction #/ });
    await spy.getByRole('combobox', { name: 'Reassign to' }).selectOption({ label: 'Ben' });
    await spy.getByRole('button', { name: 'Reassign' }).click();
    await spy.getByText('Reassigned.').waitFor();
    await benPage.page.locator('.offer', { hasText: 'Parcel damaged' }).getByRole('button', { name: 'Accept' }).click({ timeout: 15_000 });
    await benPage.page.getByRole('heading', { name: 'Parcel damaged' }).waitFor();
    await waitForAgent(interaction.id, ben.id);

    // Ben transfers it to the queue (an agent may not list queues, so he gives its id); Ana is offered it again.
    await benPage.page.getByRole('tab', { name: 'Transfer' }).click();
    const transfer = benPage.page.getByRole('form', { name: 'Transfer' });
    await transfer.getByLabel('queue', { exact: true }).check();
    // The targets come from the API (the account's queues), chosen by name once loaded (a bare id field until then).
    await transfer.getByRole('combobox', { name: 'Target queue' }).selectOption(String(routed.queueId));
    await transfer.getByRole('button', { name: 'Transfer' }).click();
    await benPage.page.getByRole('status').filter({ hasText: 'Transferred, waiting for' }).waitFor();
    await desk.locator('.offer', { hasText: 'Parcel damaged' }).waitFor({ timeout: 15_000 });

    expect([...anaPage.errors, ...benPage.errors, ...suePage.errors]).toEqual([]);
    for (const opened of [anaPage, benPage, suePage]) await opened.close();

    async function waitForAgent(interactionId: number, agentId: number) {
      for (let waited = 0; waited < 10_000; waited += 100) {
        const row = await platform.db.interaction.findUniqueOrThrow({ where: { id: interactionId } });
        if (row.agentId === agentId && row.routingState === 'accepted') return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`interaction ${interactionId} was not accepted by agent ${agentId}`);
    }
  });
  it('asks the holder to settle a reply whose delivery is unknown, and marks it sent on request', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Una Agent' }] });
    const [agent] = routed.agents as [RoutedAgent];
    const { page: desk } = await openPage(browser, platform.apiUrl);
    await logIn(desk, agent.email, agent.password);
    await desk.getByRole('button', { name: 'Go online' }).click();
    await routed.deliver(buildEmail({ from: 'eve@customer.test', to: routed.account.emailAddress, subject: 'Refund?', text: 'Any news?' }));
    await desk.locator('.offer').getByRole('button', { name: 'Accept' }).click({ timeout: 30_000 });
    await desk.getByRole('heading', { name: 'Refund?' }).waitFor();

    // A reply the SMTP server had when its worker died (how one becomes uncertain: tests/integration/uncertain-send).
    const interaction = await platform.db.interaction.findFirstOrThrow({ where: { accountId: routed.account.id } });
    const messageIdHeader = `<uncertain-${interaction.id}@test.invalid>`;
    await platform.db.outboundEmail.create({
      data: {
        interactionId: interaction.id,
        accountId: routed.account.id,
        kind: 'reply',
        authorId: agent.id,
        messageIdHeader,
        status: 'uncertain',
        error: 'an earlier attempt reached the DATA phase and its outcome is unknown; not sent again',
        envelope: {
          from: { name: routed.account.name, address: routed.account.emailAddress },
          to: [{ address: 'eve@customer.test' }],
          cc: [],
          subject: 'Re: Refund?',
          text: 'Your refund is on its way.',
          messageId: messageIdHeader,
          references: [],
          headers: {},
        },
      },
    });
    // The desk looks again within 15 s (a real uncertain send also announces itself live).
    const alert = desk.getByRole('alert').filter({ hasText: 'Delivery unknown' });
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('“Re: Refund?” to eve@customer.test');
    await alert.getByRole('button', { name: 'Mark as sent' }).click();
    await alert.waitFor({ state: 'detached' });
    await desk.locator('.message.outbound', { hasText: 'Your refund is on its way.' }).waitFor();
    expect(await platform.db.outboundEmail.findUniqueOrThrow({ where: { messageIdHeader } })).toMatchObject({
      status: 'sent',
      resolution: 'marked-sent',
      resolvedById: agent.id,
    });
  });
});
