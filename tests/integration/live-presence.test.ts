/**
 * An agent's presence reaches their own live stream whatever changed it: routing pausing an agent who let a queue's
 * offer time out (the queue's "not responding" pause), an admin, the agent. Nobody else's stream hears of it. Real
 * Temporal, PostgreSQL, Dovecot and SMTP capture.
 */
import { smtpSinks } from '../support/desk-outbound';
import { openLiveEvents, type LiveEventStream } from '../support/live-events';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { createRoutedAccount, waitForOffer } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

const presenceEvents = (stream: LiveEventStream) => stream.events.filter((event) => event.event === 'presence').map((event) => event.data);

async function presenceEvent(stream: LiveEventStream, expected: Record<string, unknown>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = presenceEvents(stream).find((data) => Object.entries(expected).every(([key, value]) => data[key] === value));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no presence event ${JSON.stringify(expected)}; got ${JSON.stringify(presenceEvents(stream))}`);
}

describe("an agent's presence, live", () => {
  it('reaches the agent when routing pauses them for a missed offer, when an admin and when they change it; nobody else', async () => {
    const notResponding = await platform.admin.post('/api/pause-statuses', { name: `Not responding ${Date.now()}` });
    expect(notResponding.status).toBe(201);
    const routed = await createRoutedAccount(platform, await sink(), {
      agentNames: ['Alice Agent', 'Bob Agent'],
      queue: { offerTimeoutSeconds: 2, notRespondingPauseStatusId: notResponding.body.id },
    });
    const [alice, bob] = routed.agents;
    const alicesStream = await openLiveEvents(platform.apiUrl, alice!.client.token!);
    const bobsStream = await openLiveEvents(platform.apiUrl, bob!.client.token!);
    try {
      expect((await alice!.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
      await presenceEvent(alicesStream, { kind: 'presence', userId: alice!.id, presence: 'online', pauseStatusId: null });

      // Alice lets the offer go: the queue pauses her as not responding, and her desk hears it.
      await routed.deliver(
        buildEmail({
          from: 'carla@customer.test',
          to: routed.account.emailAddress,
          subject: 'Nobody answers',
          text: 'Hello?',
          messageId: uniqueMessageId('customer.test'),
        }),
      );
      await waitForOffer(alice!.client);
      await presenceEvent(alicesStream, { userId: alice!.id, presence: 'paused', pauseStatusId: notResponding.body.id });
      const me = await alice!.client.get('/api/me');
      expect(me.body).toMatchObject({ presence: 'paused', pauseStatusId: notResponding.body.id });

      // An admin sends her offline.
      expect((await platform.admin.patch(`/api/users/${alice!.id}`, { presence: 'offline' })).status).toBe(200);
      await presenceEvent(alicesStream, { userId: alice!.id, presence: 'offline', pauseStatusId: null });

      // Bob's stream carried none of it: a presence is told to its own user only.
      expect(presenceEvents(bobsStream)).toEqual([]);
      expect(presenceEvents(alicesStream).every((data) => data.userId === alice!.id)).toBe(true);
    } finally {
      alicesStream.close();
      bobsStream.close();
    }
  });
});
