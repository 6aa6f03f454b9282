/**
 * The database decides an accept and the routing run hears of it by a signal sent beside the agent's answer: the
 * agent's next request (a reply, a close) may reach the run before that signal. Real Temporal, PostgreSQL, Dovecot
 * and SMTP capture; the signal is held back by deciding the accept in the database and signalling by hand.
 */
import { offerAcceptedSignal } from '../../contracts/route-email';
import { createStore } from '../../store';
import { smtpSinks } from '../support/desk-outbound';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { createRoutedAccount, waitForOffer } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

async function offeredToAlice() {
  const routed = await createRoutedAccount(platform, await sink(), { agentNames: ['Alice Agent', 'Bob Agent'] });
  const [alice, bob] = routed.agents;
  expect((await alice!.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
  await routed.deliver(
    buildEmail({
      from: 'carla@customer.test',
      to: routed.account.emailAddress,
      subject: 'Order 7',
      text: 'Where is my order?',
      messageId: uniqueMessageId('customer.test'),
    }),
  );
  const offer = await waitForOffer(alice!.client);
  // The accept as the API decides it, without the signal that tells the run.
  const decided = await createStore(platform.db).offerAnswers.answer({ offerId: offer.id, agentId: alice!.id, answer: 'accepted' });
  if (decided.answered !== true) throw new Error(`the accept was not decided: ${JSON.stringify(decided)}`);
  return { routed, alice: alice!, bob: bob!, offer, won: decided.offer };
}

describe('a request that overtakes the accept signal', () => {
  it('waits for the run to hear of the accept, then is carried out', async () => {
    const { alice, offer, won } = await offeredToAlice();
    const started = Date.now();
    const reply = alice.client.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'On it.' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await platform.temporal.workflow
      .getHandle(won.workflowId)
      .signal(offerAcceptedSignal, { reservation: won.reservation, agentId: alice.id });
    const answer = await reply;
    expect(answer.status).toBe(200);
    expect(answer.body.outboundId).toEqual(expect.any(Number));
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('is refused at once when the caller is not the one the database says holds it, and after 5 s when the run never hears', async () => {
    const { alice, bob, offer } = await offeredToAlice();
    const refusedAt = Date.now();
    const bobs = await bob.client.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'Mine?' });
    expect(bobs.status).toBe(409);
    expect(Date.now() - refusedAt).toBeLessThan(1500);

    const waitedAt = Date.now();
    const alices = await alice.client.post(`/api/interactions/${offer.interactionId}/close`, {});
    expect(alices.status).toBe(409);
    expect(alices.body.detail).toMatch(/cannot be closed|does not hold/);
    expect(Date.now() - waitedAt).toBeGreaterThanOrEqual(5000);
    expect(Date.now() - waitedAt).toBeLessThan(15_000);
  });
});
