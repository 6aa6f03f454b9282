/**
 * Accept: agents answering offers at the same moment, over the REST API (POST /api/offers/:id/accept, timed per
 * request from the client). Two shapes: every agent accepting its own offer at once (rounds of one offer each), and
 * ring-all races where every agent accepts the same interaction at once: exactly one may win (200), the others are
 * told it is taken (409).
 */
import { openLiveEvents, type LiveEventStream } from '../../tests/support/live-events';
import { testEnvironment } from '../../tests/support/test-environment';
import { createDesk, type Desk } from '../support/desk';
import type { BenchPlatform } from '../support/platform';
import { sleep, summarize } from '../support/stats';
import { bulkAppend } from './offers';
import type { BackendResult } from './result';

/** Pending offers per agent, as their live streams announce them. */
async function watchOffers(platform: BenchPlatform, desk: Desk) {
  const offers = new Map<number, Array<{ offerId: number; interactionId: number }>>();
  const streams: LiveEventStream[] = await Promise.all(
    desk.agents.map((agent) =>
      openLiveEvents(platform.apiUrl, agent.api.token!, (event) => {
        if (event.event !== 'offer') return;
        const list = offers.get(agent.id) ?? [];
        list.push({ offerId: Number(event.data.offerId), interactionId: Number(event.data.interactionId) });
        offers.set(agent.id, list);
      }),
    ),
  );
  return {
    offers,
    async waitUntil(done: () => boolean, what: string) {
      const deadline = Date.now() + 120_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`accept: timed out waiting for ${what}`);
        await sleep(20);
      }
    },
    close: () => streams.forEach((stream) => stream.close()),
  };
}

/** Every agent's request leaves in the same tick; each is timed from its own send to its answer. */
async function atOnce(requests: Array<() => Promise<{ status: number }>>) {
  return Promise.all(
    requests.map(async (request) => {
      const sent = performance.now();
      const answer = await request().catch(() => ({ status: 0 }));
      return { status: answer.status, ms: performance.now() - sent };
    }),
  );
}

export async function acceptFigures(
  platform: BenchPlatform,
  options: { agents: number; rounds: number; races: number },
): Promise<BackendResult['accept']> {
  const dovecot = testEnvironment().dovecot;
  const own = await createDesk(platform, { dovecot, agents: options.agents, capacity: 1, offerTimeoutSeconds: 3600, online: true });
  const ownOffers = await watchOffers(platform, own);
  const samples: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    ownOffers.offers.clear();
    await bulkAppend(own, options.agents, `accept ${round}`, 2);
    await ownOffers.waitUntil(() => own.agents.every((agent) => ownOffers.offers.has(agent.id)), 'one offer per agent');
    const answers = await atOnce(
      own.agents.map((agent) => () => agent.api.post(`/api/offers/${ownOffers.offers.get(agent.id)![0]!.offerId}/accept`)),
    );
    const refused = answers.filter((answer) => answer.status !== 200);
    if (refused.length > 0) throw new Error(`accept: ${refused.length} own offers refused: ${refused.map((a) => a.status).join(', ')}`);
    samples.push(...answers.map((answer) => answer.ms));
    await Promise.all(
      own.agents.map((agent) => agent.api.post(`/api/interactions/${ownOffers.offers.get(agent.id)![0]!.interactionId}/close`, {})),
    );
  }
  ownOffers.close();

  const ring = await createDesk(platform, {
    dovecot,
    agents: options.agents,
    capacity: 1,
    strategy: 'beepall',
    offerTimeoutSeconds: 3600,
    online: true,
  });
  const ringOffers = await watchOffers(platform, ring);
  const winners: number[] = [];
  const refused: number[] = [];
  const other: number[] = [];
  const raceSamples: number[] = [];
  for (let race = 0; race < options.races; race++) {
    ringOffers.offers.clear();
    await bulkAppend(ring, 1, `race ${race}`, 1);
    await ringOffers.waitUntil(() => ring.agents.every((agent) => ringOffers.offers.has(agent.id)), 'the ring-all offer to every agent');
    const answers = await atOnce(
      ring.agents.map((agent) => () => agent.api.post(`/api/offers/${ringOffers.offers.get(agent.id)![0]!.offerId}/accept`)),
    );
    raceSamples.push(...answers.map((answer) => answer.ms));
    winners.push(answers.filter((answer) => answer.status === 200).length);
    refused.push(answers.filter((answer) => answer.status === 409).length);
    other.push(answers.filter((answer) => answer.status !== 200 && answer.status !== 409).length);
    const interactionId = ringOffers.offers.get(ring.agents[0]!.id)![0]!.interactionId;
    const winner = ring.agents[answers.findIndex((answer) => answer.status === 200)];
    if (winner) await winner.api.post(`/api/interactions/${interactionId}/close`, {});
    // Their rooms are free again once the close is through: the next race must ring every agent.
    await sleep(500);
  }
  ringOffers.close();
  // The database's word too: accepted offers per raced interaction.
  const acceptedRows = await platform.db.offer.findMany({
    where: { interaction: { accountId: ring.account.id }, state: 'accepted' },
    select: { interactionId: true },
  });
  const perInteraction = new Map<number, number>();
  for (const row of acceptedRows) perInteraction.set(row.interactionId, (perInteraction.get(row.interactionId) ?? 0) + 1);
  return {
    atOnce: summarize(samples),
    races: {
      rounds: options.races,
      agents: options.agents,
      winners,
      refused,
      other,
      acceptedOffersInDatabase: [...perInteraction.values()],
      latency: summarize(raceSamples),
    },
  };
}
