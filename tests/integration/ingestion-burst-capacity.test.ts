/**
 * A burst on Cyrus IMAP (its `idled` pushes each APPEND at once) meets an agent's capacity: 200 emails arrive
 * together for one online agent who may hold 100, and the database's placement never gives them more than 100
 * pending offers, while the rest wait in line.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { smtpSinks } from '../support/desk-outbound';
import { useMailServer } from '../support/mail-servers';
import { buildEmail, withImapClient } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createRoutedAccount } from '../support/routed-account';

describe('a 200-email burst on Cyrus for an agent of capacity 100', () => {
  const cyrus = useMailServer('cyrus');
  const sink = smtpSinks();
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('never holds more than 100 pending offers for the agent, and fills exactly 100', async () => {
    const total = 200;
    const capacity = 100;
    const routed = await createRoutedAccount(platform, await sink(), {
      server: cyrus(),
      people: [{ name: 'Busy Agent', capacity }],
      queue: { offerTimeoutSeconds: 600 },
    });
    expect((await routed.agent.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    const pending = () => platform.db.offer.count({ where: { userId: routed.agentId, state: 'pending' } });
    const ingested = () => platform.db.message.count({ where: { accountId: routed.account.id, direction: 'inbound' } });

    let mostPending = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        mostPending = Math.max(mostPending, await pending());
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    await withImapClient(cyrus(), routed.mailUser.user, routed.mailUser.password, async (client) => {
      for (let index = 0; index < total; index++) {
        const subject = `burst ${index}`;
        await client.append(
          'INBOX',
          buildEmail({ from: `customer${index}@customer.test`, to: routed.account.emailAddress, subject, text: subject }),
        );
      }
    });
    await waitFor(`${total} emails ingested`, async () => (await ingested()) === total, { timeoutMs: 120_000, intervalMs: 250 });
    await waitFor(`${capacity} pending offers`, async () => (await pending()) >= capacity, { timeoutMs: 60_000, intervalMs: 250 });
    // Placement has settled: the others wait in line, and nothing more reaches the agent.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    sampling = false;
    await sampler;
    expect(await pending()).toBe(capacity);
    expect(mostPending).toBeLessThanOrEqual(capacity);
  }, 240_000);
});
