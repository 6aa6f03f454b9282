/**
 * A mail server without IDLE (some hosted servers): the watcher polls at the global "login mail frequency"
 * instead, against a real Dovecot that advertises no IDLE. imapflow's own fallback (a NOOP every 30 s) would be
 * far slower than the 2 s configured here, so an email ingested within seconds shows the watcher's own poll.
 */
import path from 'node:path';
import { startDovecot, stopDovecot, type DovecotHandle } from '../../scripts/services/dovecot';
import { waitFor } from '../../scripts/services/process-tools';
import { createWatchedAccount } from '../support/ingestion';
import { withImapClient } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { testEnvironment } from '../support/test-environment';

describe('ingestion without IDLE', () => {
  let dovecot: DovecotHandle;
  let platform: TestPlatform;
  let previousFrequency: number;

  beforeAll(async () => {
    dovecot = await startDovecot({ baseDir: path.join(testEnvironment().runDir, `dovecot-no-idle-${process.pid}`), withoutIdle: true });
    platform = await startTestPlatform();
    previousFrequency = (await platform.admin.get('/api/settings')).body.loginMailFrequencySeconds;
  });
  afterAll(async () => {
    await platform?.admin.patch('/api/settings', { loginMailFrequencySeconds: previousFrequency });
    await platform?.close();
    if (dovecot) await stopDovecot(dovecot);
  });

  it('polls at the login mail frequency and ingests new mail within seconds', async () => {
    const settings = await platform.admin.patch('/api/settings', { loginMailFrequencySeconds: 2 });
    expect(settings.status).toBe(200);
    const account = await createWatchedAccount(platform, {}, { dovecot });
    // The server really offers no IDLE after login.
    const capabilities = await withImapClient(dovecot, account.mailUser.user, account.mailUser.password, async (client) => [
      ...client.capabilities.keys(),
    ]);
    expect(capabilities).toContain('UIDPLUS');
    expect(capabilities).not.toContain('IDLE');

    await waitFor(
      'the watcher to connect',
      async () => (await platform.db.mailboxState.findFirst({ where: { accountId: account.id } }))?.connected === true,
      {
        timeoutMs: 20_000,
      },
    );
    expect((await platform.admin.get(`/api/accounts/${account.id}/mailbox-state`)).body.watching).toBe('polling');
    // Each poll is a SELECT that also stamps lastSeenAt: it advances at the configured pace.
    const stamps = new Set<number>();
    await waitFor(
      'three polls',
      async () => {
        const state = await platform.db.mailboxState.findFirst({ where: { accountId: account.id } });
        if (state?.lastSeenAt) stamps.add(state.lastSeenAt.getTime());
        return stamps.size >= 3;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );

    const appendedAt = Date.now();
    await account.append(account.email({ subject: 'Polled, not pushed' }));
    await account.waitForInbound(1, 10_000);
    expect(Date.now() - appendedAt).toBeLessThan(10_000);
    expect((await account.inboundMessages()).map((message) => message.subject)).toEqual(['Polled, not pushed']);
  });
});
