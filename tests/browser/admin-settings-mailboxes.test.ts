/**
 * The admin's Mailboxes section in Chromium against the real platform: the watcher's state (connected on IDLE, the
 * last checkpoint, no error), the quarantined emails with their reason, the raw email downloaded byte for byte, and
 * Re-ingest turning one into a routed interaction.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { waitFor } from '../../scripts/services/process-tools';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: mailbox state and quarantine', () => {
  const started = useBrowserPlatform();

  it('an admin reads the watcher’s state, downloads a quarantined email and re-ingests it into a routed interaction', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { agentNames: ['Alice Agent'] });
    const { account } = routed;
    await routed.deliver(buildEmail({ from: 'Carla <carla@customer.test>', to: account.emailAddress, subject: 'First', text: 'Hello' }));
    await waitFor('the first email to be read', async () => (await platform.db.message.count({ where: { accountId: account.id } })) === 1, {
      timeoutMs: 30_000,
    });
    // An email the watcher set aside (as it does with one over the size limit), with its raw source kept.
    const raw = Buffer.from(
      buildEmail({ from: 'Olga <olga@customer.test>', to: account.emailAddress, subject: 'Big scan attached', text: 'See the scan.' }),
    );
    const sha256 = createHash('sha256').update(raw).digest('hex');
    await platform.db.blob.upsert({ where: { sha256 }, create: { sha256, size: raw.length, data: new Uint8Array(raw) }, update: {} });
    const quarantined = await platform.db.quarantinedEmail.create({
      data: {
        accountId: account.id,
        mailbox: 'INBOX',
        uidValidity: 4242n,
        uid: 977n,
        reason: 'email of 31457280 bytes exceeds the limit of 26214400 bytes',
        rawSha256: sha256,
      },
    });

    const email = `mia-${account.key}@test.invalid`;
    expect((await platform.admin.post('/api/users', { name: 'Mia Admin', email, role: 'admin', password: 'admin-password' })).status).toBe(
      201,
    );
    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, email, 'admin-password');
    await page.goto('/app/admin/mailboxes');
    await page.getByRole('combobox', { name: 'Account' }).selectOption({ label: `${account.key} · ${account.name}` });

    const state = page.getByRole('region', { name: `Watcher of ${account.key}` });
    await state.getByText('Connected: the server announces new mail at once (IDLE).').waitFor({ timeout: 60_000 });
    const checkpoint = await state.locator('dt:text-is("Last checkpoint") + dd').textContent();
    expect(checkpoint).toMatch(/^UID 1 of UIDVALIDITY \d+/);
    expect(await state.locator('dt:text-is("Last error") + dd').textContent()).toBe('none');
    expect(await state.locator('dt:text-is("Still to read") + dd').textContent()).toBe('0 emails');
    // The state keeps itself current while the admin looks: the next email read moves the checkpoint without a click.
    await routed.deliver(buildEmail({ from: 'Carla <carla@customer.test>', to: account.emailAddress, subject: 'Second', text: 'Again' }));
    await state
      .locator('dt:text-is("Last checkpoint") + dd')
      .filter({ hasText: /^UID 2 of UIDVALIDITY/ })
      .waitFor({ timeout: 30_000 });

    const list = page.getByRole('region', { name: `Quarantined emails of ${account.key}` });
    const row = list.locator(`tr[data-quarantine-id="${quarantined.id}"]`);
    await row.getByText('email of 31457280 bytes exceeds the limit of 26214400 bytes').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: 'Download .eml of email 977' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`quarantined-${quarantined.id}.eml`);
    expect((await readFile((await download.path())!)).equals(raw)).toBe(true);

    await row.getByRole('button', { name: 'Re-ingest email 977', exact: true }).click();
    const notice = list.getByText(/^Email 977 ingested again: interaction #\d+ \(stored\)\.$/);
    await notice.waitFor({ timeout: 60_000 });
    const interactionId = Number(/#(\d+)/.exec((await notice.textContent())!)![1]);
    const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: interactionId }, include: { messages: true } });
    expect(interaction).toMatchObject({ accountId: account.id, subject: 'Big scan attached' });
    expect(interaction.messages.map((message) => message.uid)).toEqual([977n]);
    await row.getByText(/re-ingested/).waitFor();
    await row.getByRole('button', { name: 'Re-ingest again email 977' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
