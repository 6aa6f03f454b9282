/**
 * The supervisor sees the team: the realtime view lists every agent of the account (added to it, or in its queue)
 * with presence, pause reason, time in state, offers pending and interactions held, counted by the same rule as the
 * tiles; and an agent's presence reaches the live streams of their account's supervisors, not those of another
 * account's supervisors nor other agents. Real Temporal, PostgreSQL, Dovecot and SMTP capture.
 */
import { smtpSinks } from '../support/desk-outbound';
import { openLiveEvents, type LiveEventStream } from '../support/live-events';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { createRoutedAccount, waitForOffer } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

const presenceOf = (stream: LiveEventStream, userId: number) =>
  stream.events.filter((event) => event.event === 'presence' && event.data.userId === userId).map((event) => event.data);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the supervisor's view of the team", () => {
  it('lists every agent with presence, pause reason, time in state, offers and held; tiles and rows count offers alike', async () => {
    const lunch = await platform.admin.post('/api/pause-statuses', { name: `Lunch ${Date.now()}` });
    expect(lunch.status).toBe(201);
    const routed = await createRoutedAccount(platform, await sink(), {
      people: [{ name: 'Alice' }, { name: 'Bob' }, { name: 'Carl', inQueue: false }, { name: 'Sue', role: 'supervisor' }],
      queue: { offerTimeoutSeconds: 300 },
    });
    const [alice, bob, carl] = routed.agents;
    const [sue] = routed.supervisors;
    const realtime = async () => {
      const response = await sue!.client.get(`/api/accounts/${routed.account.id}/realtime`);
      expect(response.status).toBe(200);
      return response.body;
    };

    const beforePause = Date.now() - 1_000; // the database's clock may trail ours a little
    expect((await alice!.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    expect((await bob!.client.put('/api/me/presence', { presence: 'paused', pauseStatusId: lunch.body.id })).status).toBe(200);

    let view = await realtime();
    // Carl is added to the account but in no queue: on the team all the same. Sue (a supervisor) is not.
    expect(view.agents.map((agent: { name: string }) => agent.name)).toEqual(['Alice', 'Bob', 'Carl']);
    const bobRow = view.agents.find((agent: { id: number }) => agent.id === bob!.id);
    expect(bobRow).toMatchObject({ presence: 'paused', pauseStatusId: lunch.body.id, pauseReason: lunch.body.name, offers: 0, held: 0 });
    expect(Date.parse(bobRow.presenceSince)).toBeGreaterThanOrEqual(beforePause);
    expect(view.agents.find((agent: { id: number }) => agent.id === carl!.id)).toMatchObject({ presence: 'offline', pauseReason: null });

    // An email is offered to Alice (Bob is paused): one offered interaction, one offer on Alice's row.
    await routed.deliver(
      buildEmail({
        from: 'carla@customer.test',
        to: routed.account.emailAddress,
        subject: 'Where is my parcel?',
        text: 'Hello',
        messageId: uniqueMessageId('customer.test'),
      }),
    );
    const offer = await waitForOffer(alice!.client);
    view = await until('the offer in the realtime view', async () => {
      const current = await realtime();
      return current.offered === 1 ? current : undefined;
    });
    expect(view).toMatchObject({ waiting: 0, offered: 1, inProgress: 0 });
    expect(view.agents.map((agent: { name: string; offers: number; held: number }) => [agent.name, agent.offers, agent.held])).toEqual([
      ['Alice', 1, 0],
      ['Bob', 0, 0],
      ['Carl', 0, 0],
    ]);

    // Accepted: in progress, held by Alice, nothing offered anywhere.
    expect((await alice!.client.post(`/api/offers/${offer.id}/accept`, {})).status).toBe(200);
    view = await until('the accept in the realtime view', async () => {
      const current = await realtime();
      return current.inProgress === 1 ? current : undefined;
    });
    expect(view).toMatchObject({ waiting: 0, offered: 0, inProgress: 1 });
    expect(view.agents.find((agent: { id: number }) => agent.id === alice!.id)).toMatchObject({ presence: 'online', offers: 0, held: 1 });
  });

  it("tells an account's supervisors when its agents' presence changes, and nobody of another account", async () => {
    const smtp = await sink();
    const mine = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Dora' }, { name: 'Eve' }, { name: 'Sam', role: 'supervisor' }],
    });
    const other = await createRoutedAccount(platform, smtp, { people: [{ name: 'Olga', role: 'supervisor' }, { name: 'Finn' }] });
    const [dora, eve] = mine.agents;
    const [sam] = mine.supervisors;
    const [olga] = other.supervisors;
    const streams = {
      sam: await openLiveEvents(platform.apiUrl, sam!.client.token!),
      olga: await openLiveEvents(platform.apiUrl, olga!.client.token!),
      eve: await openLiveEvents(platform.apiUrl, eve!.client.token!),
      admin: await openLiveEvents(platform.apiUrl, platform.admin.token!),
    };
    try {
      expect((await dora!.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
      const seen = await until('Dora online on her supervisor’s stream', () => presenceOf(streams.sam, dora!.id)[0]);
      expect(seen).toMatchObject({
        kind: 'presence',
        userId: dora!.id,
        presence: 'online',
        pauseStatusId: null,
        accountIds: [mine.account.id],
      });
      expect(Date.parse(seen.since as string)).toBeGreaterThan(Date.now() - 60_000);
      await until('Dora online on the admin’s stream', () => presenceOf(streams.admin, dora!.id)[0]);

      // Olga's and Eve's streams are live (each hears its own user's change, which came after Dora's) ...
      expect((await olga!.client.put('/api/me/presence', { presence: 'paused' })).status).toBe(200);
      expect((await eve!.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
      await until('Olga hears her own presence', () => presenceOf(streams.olga, olga!.id)[0]);
      await until('Eve hears her own presence', () => presenceOf(streams.eve, eve!.id)[0]);
      await until('Sam hears Eve', () => presenceOf(streams.sam, eve!.id)[0]);
      // ... and heard nothing of Dora: another account's supervisor and a fellow agent are not told.
      expect(presenceOf(streams.olga, dora!.id)).toEqual([]);
      expect(presenceOf(streams.eve, dora!.id)).toEqual([]);
      // Olga works for the other account only: Sam is not told of her.
      expect(presenceOf(streams.sam, olga!.id)).toEqual([]);
    } finally {
      Object.values(streams).forEach((stream) => stream.close());
    }
  });
});
