/**
 * Never a stranded email: an interaction the routing could not place waits, visibly, as unassigned, its run still
 * there to act on it. Agents of the account pick it up, supervisors send it to a queue or an agent, the customer
 * writing again routes it again; an account with no action plan routes to its queues. Real Temporal, PostgreSQL,
 * Dovecot and SMTP capture.
 */
import { routingStatusQuery } from '../../contracts/route-email';
import { waitFor } from '../../scripts/services/process-tools';
import { smtpSinks } from '../support/desk-outbound';
import { recordHistoryIfAsked } from '../support/histories';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform, type ApiClient } from '../support/platform';
import { createRoutedAccount, waitForOffer, type RoutedAccount } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

function customerEmail(routed: RoutedAccount, subject: string, extra: { inReplyTo?: string } = {}) {
  const messageId = uniqueMessageId('customer.test');
  const raw = buildEmail({
    from: 'carla@customer.test',
    to: routed.account.emailAddress,
    subject,
    text: `${subject}: please help.`,
    messageId,
    ...(extra.inReplyTo ? { inReplyTo: extra.inReplyTo, references: [extra.inReplyTo] } : {}),
  });
  return { messageId, send: () => routed.deliver(raw) };
}

/** The account's unassigned interaction with this subject, once it waits unassigned. */
async function waitUnassigned(client: ApiClient, subject: string) {
  let found: { id: number; routingState: string } | undefined;
  await waitFor(
    `"${subject}" waiting unassigned`,
    async () => {
      const page = await client.get('/api/interactions/unassigned');
      found = page.body.items.find((item: { subject: string }) => item.subject === subject);
      return found !== undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return found!;
}

async function routingState(interactionId: number) {
  const row = await platform.db.interaction.findUniqueOrThrow({ where: { id: interactionId } });
  return { state: row.routingState, agentId: row.agentId, workflowId: row.routingWorkflowId };
}

/** The run that routed it (the interaction forgets it once closed). */
async function workflowOf(interactionId: number): Promise<string> {
  const event = await platform.db.routingEvent.findFirstOrThrow({ where: { interactionId, type: 'unassigned' } });
  return event.workflowId!;
}

async function eventTypes(interactionId: number): Promise<string[]> {
  const events = await platform.db.routingEvent.findMany({ where: { interactionId }, orderBy: { id: 'asc' } });
  return events.map((event) => event.type);
}

describe('an interaction nobody took', () => {
  it('routes an account with no action plan to its queues', async () => {
    const routed = await createRoutedAccount(platform, await sink(), { actionPlan: null });
    expect((await routed.agent.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    await customerEmail(routed, 'No plan here').send();
    const offer = await waitForOffer(routed.agent);
    expect((await routed.agent.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
    expect(await routingState(offer.interactionId)).toMatchObject({ state: 'accepted', agentId: routed.agentId });
    const offers = await platform.db.offer.findMany({ where: { interactionId: offer.interactionId } });
    expect(offers.map((row) => row.source)).toEqual(['default-queues']);
  });

  it('waits unassigned when the account has neither plan nor queue; an agent picks it up, replies and closes', async () => {
    const routed = await createRoutedAccount(platform, await sink(), { actionPlan: null, agentNames: ['Alice Agent', 'Bob Agent'] });
    expect((await platform.admin.put(`/api/accounts/${routed.account.id}/queues`, { queueIds: [] })).status).toBe(200);
    await customerEmail(routed, 'Nowhere to go').send();
    const [alice, bob] = routed.agents;
    const waiting = await waitUnassigned(alice!.client, 'Nowhere to go');
    expect(await routingState(waiting.id)).toMatchObject({ state: 'unassigned', workflowId: expect.any(String) });
    const realtime = await platform.admin.get(`/api/accounts/${routed.account.id}/realtime`);
    expect(realtime.body.unassigned).toBe(1);

    // Two agents click at once: one holds it, the other is told it is gone.
    const [first, second] = await Promise.all([
      alice!.client.post(`/api/interactions/${waiting.id}/pick-up`),
      bob!.client.post(`/api/interactions/${waiting.id}/pick-up`),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const winner = first.status === 200 ? alice! : bob!;
    expect(await routingState(waiting.id)).toMatchObject({ state: 'accepted', agentId: winner.id });
    expect((await winner.client.post(`/api/interactions/${waiting.id}/reply`, { text: 'Here to help.' })).status).toBe(200);
    const closed = await winner.client.post(`/api/interactions/${waiting.id}/close`, { dispositionId: routed.dispositionId });
    expect(closed.body).toEqual({ state: 'closed' });
    expect(await eventTypes(waiting.id)).toEqual(expect.arrayContaining(['unassigned', 'picked-up', 'reply-sent', 'closed']));
    expect((await alice!.client.get('/api/interactions/unassigned')).body.items).toEqual([]);
    recordHistoryIfAsked(await workflowOf(waiting.id), 'route-email-unassigned-picked-up');
  });

  it('after a plan that ends without an agent, a supervisor assigns it, the customer writes again, a supervisor requeues it', async () => {
    const routed = await createRoutedAccount(platform, await sink(), {
      people: [{ name: 'Alice Agent' }, { name: 'Sam Supervisor', role: 'supervisor' }],
      actionPlan: (queueId) => [{ type: 'queue', queueId, timeoutSeconds: 5 }],
    });
    const supervisor = routed.supervisors[0]!.client;
    const alice = routed.agent;
    const first = customerEmail(routed, 'Plan ran out');
    await first.send();
    const waiting = await waitUnassigned(supervisor, 'Plan ran out');
    const unassignedAgain = (what: string) =>
      waitFor(what, async () => (await routingState(waiting.id)).state === 'unassigned', { timeoutMs: 60_000 });

    // Assigned to Alice (offered even while she is away); she declines: it waits unassigned again, never stranded.
    const assigned = await supervisor.post(`/api/interactions/${waiting.id}/reassign`, { agentId: routed.agentId });
    expect(assigned.body).toEqual({ state: 'routing' });
    const direct = await waitForOffer(alice);
    expect(direct.interactionId).toBe(waiting.id);
    expect((await alice.post(`/api/offers/${direct.id}/reject`)).status).toBe(200);
    await unassignedAgain('unassigned after the declined assignment');

    // The customer writes again: routing runs again, and the plan's queue offers it to Alice, online now.
    expect((await alice.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    await customerEmail(routed, 'Re: Plan ran out', { inReplyTo: first.messageId }).send();
    const again = await waitForOffer(alice);
    expect(again.interactionId).toBe(waiting.id);
    expect((await alice.post(`/api/offers/${again.id}/reject`)).status).toBe(200);
    await unassignedAgain('unassigned after the plan ran out again');

    // Requeued: offered in the queue, accepted, held.
    expect((await supervisor.post(`/api/interactions/${waiting.id}/requeue`, { queueId: routed.queueId })).status).toBe(200);
    const queued = await waitForOffer(alice);
    expect((await alice.post(`/api/offers/${queued.id}/accept`)).status).toBe(200);
    expect(await routingState(waiting.id)).toMatchObject({ state: 'accepted', agentId: routed.agentId });
    const types = await eventTypes(waiting.id);
    expect(types.filter((type) => type === 'routed-by-supervisor')).toHaveLength(2);
    expect(types).toContain('routing-again');
    // Not waiting any more: a second requeue is refused with the reason.
    const late = await supervisor.post(`/api/interactions/${waiting.id}/requeue`, { queueId: routed.queueId });
    expect(late.status).toBe(409);
    recordHistoryIfAsked((await routingState(waiting.id)).workflowId!, 'route-email-unassigned-assigned-rerouted-requeued');
  });

  it('gives a run back to an interaction an older routing left without one, and a supervisor closes it', async () => {
    const routed = await createRoutedAccount(platform, await sink(), {
      people: [{ name: 'Alice Agent' }, { name: 'Sam Supervisor', role: 'supervisor' }],
      actionPlan: (queueId) => [{ type: 'queue', queueId, timeoutSeconds: 1 }],
    });
    const supervisor = routed.supervisors[0]!.client;
    await customerEmail(routed, 'Left behind').send();
    const waiting = await waitUnassigned(supervisor, 'Left behind');
    // As an older version left it: its run ended, nobody routes it.
    const { workflowId } = await routingState(waiting.id);
    await platform.temporal.workflow.getHandle(workflowId!).terminate('as an older routing ended it');
    await platform.db.interaction.update({
      where: { id: waiting.id },
      data: { routingState: 'ended-without-agent', routingWorkflowId: null },
    });

    // The worker's sweep gives it a run that waits unassigned.
    await waitFor('a run again', async () => (await routingState(waiting.id)).workflowId !== null, { timeoutMs: 60_000 });
    const resumed = (await routingState(waiting.id)).workflowId!;
    expect(resumed).toBe(`unassigned-${routed.account.key}-i${waiting.id}`);
    await waitFor('waiting unassigned', async () => (await routingState(waiting.id)).state === 'unassigned', { timeoutMs: 30_000 });
    const status = await platform.temporal.workflow.getHandle(resumed).query(routingStatusQuery);
    expect(status.state).toBe('unassigned');

    const refused = await supervisor.post(`/api/interactions/${waiting.id}/close`, {});
    expect(refused.status).toBe(409);
    const closed = await supervisor.post(`/api/interactions/${waiting.id}/close`, { dispositionId: routed.dispositionId });
    expect(closed.body).toEqual({ state: 'closed' });
    expect(await routingState(waiting.id)).toMatchObject({ state: 'closed', workflowId: null });
  });
});
