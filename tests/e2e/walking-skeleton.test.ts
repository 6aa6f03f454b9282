/**
 * One email through every real part: Dovecot (IMAP IDLE) → watcher → Temporal routing workflow →
 * offer to an online queue agent → accept, reply (SMTP capture), close with disposition → PostgreSQL.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { routingWorkflowId } from '../../contracts/route-email';
import { recordHistoryIfAsked } from '../support/histories';
import { openLiveEvents } from '../support/live-events';
import { appendEmail, buildEmail } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createRoutedAccount, waitForOffer } from '../support/routed-account';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { testEnvironment } from '../support/test-environment';

describe('walking skeleton: one email routed end to end through real Temporal, PostgreSQL, Dovecot and SMTP', () => {
  let platform: TestPlatform;
  let smtp: SmtpSink;

  beforeEach(async () => {
    smtp = await startSmtpSink();
    platform = await startTestPlatform();
  });
  afterEach(async () => {
    await platform?.close();
    await smtp?.close();
  });

  it('offers the email to the online queue agent, sends the threaded reply, and closes with the disposition', async () => {
    const scenario = await createRoutedAccount(platform, smtp);
    const { agent, account } = scenario;
    const liveEvents = await openLiveEvents(platform.apiUrl, agent.token!);
    expect((await agent.put('/api/me/presence', { presence: 'online' })).status).toBe(200);

    const customerMessageId = `<customer-${account.key}@customer.test>`;
    const appended = await appendEmail(
      testEnvironment().dovecot,
      scenario.mailUser.user,
      scenario.mailUser.password,
      buildEmail({
        from: 'Carla Customer <carla@customer.test>',
        to: account.emailAddress,
        subject: 'My order is late',
        text: 'Where is order 42?',
        messageId: customerMessageId,
      }),
    );

    const offer = await waitForOffer(agent);
    expect(offer.accountKey).toBe(account.key);
    const accepted = await agent.post(`/api/offers/${offer.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.interactionId).toBe(offer.interactionId);

    const reply = await agent.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'It ships today.' });
    expect(reply.status).toBe(200);
    const [sent] = await smtp.waitForMessages(1, 15_000);
    expect(sent!.messageId).toBe(reply.body.messageIdHeader);
    expect(sent!.inReplyTo).toBe(customerMessageId);
    expect(sent!.references).toEqual([customerMessageId]);
    expect(sent!.from?.address).toBe(account.emailAddress);
    expect(sent!.from?.name).toBe(account.name);
    expect(sent!.envelope.rcptTo).toEqual(['carla@customer.test']);
    expect(sent!.envelope.mailFrom).toBe(account.emailAddress);
    expect(sent!.text).toContain('It ships today.');

    // Mandatory disposition: closing without one only enters "disposing".
    const withoutDisposition = await agent.post(`/api/interactions/${offer.interactionId}/close`, {});
    expect(withoutDisposition.body).toMatchObject({ state: 'disposing', needs: 'disposition' });
    const closed = await agent.post(`/api/interactions/${offer.interactionId}/close`, { dispositionId: scenario.dispositionId });
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ state: 'closed' });

    // The agent's live events told the story in order: offered, accepted, reply sent, closed.
    await waitFor('the closed event', async () => liveEvents.events.some((event) => event.event === 'closed'));
    liveEvents.close();
    const story = liveEvents.events.filter((event) => event.data.interactionId === offer.interactionId).map((event) => event.event);
    expect(story.filter((event) => ['offer', 'accepted', 'reply-sent', 'closed'].includes(event))).toEqual([
      'offer',
      'accepted',
      'reply-sent',
      'closed',
    ]);

    const workflowId = routingWorkflowId({ accountKey: account.key, uidValidity: appended.uidValidity, uid: appended.uid });
    const handle = platform.temporal.workflow.getHandle(workflowId);
    expect(await handle.result()).toMatchObject({ state: 'closed', agentId: scenario.agentId });
    recordHistoryIfAsked(workflowId, 'route-email-queue-accept-reply-dispose-close');

    const interaction = await platform.db.interaction.findUniqueOrThrow({
      where: { id: offer.interactionId },
      include: { messages: { orderBy: { id: 'asc' } } },
    });
    expect(interaction.status).toBe('closed');
    expect(interaction.dispositionId).toBe(scenario.dispositionId);
    expect(interaction.agentId).toBe(scenario.agentId);
    expect(interaction.messages.map((message) => [message.direction, message.messageIdHeader])).toEqual([
      ['inbound', customerMessageId],
      ['outbound', reply.body.messageIdHeader],
    ]);

    // An operator finds it in the Temporal Web UI by account and state, and reads from/subject in the memo.
    await waitFor('visibility to index the final state', async () => {
      const description = await handle.describe();
      return description.searchAttributes.MailrouteState?.[0] === 'closed';
    });
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.searchAttributes.MailrouteAccount).toEqual([account.key]);
    expect(description.searchAttributes.MailrouteInteractionId).toEqual([offer.interactionId]);
    expect(description.searchAttributes.MailrouteAgent).toEqual([String(scenario.agentId)]);
    expect(description.memo).toEqual({ from: 'carla@customer.test', subject: 'My order is late' });
  });

  it('still ends with one offer, one reply and one completed workflow when the worker is SIGKILLed while the email waits for an agent', async () => {
    const scenario = await createRoutedAccount(platform, smtp);
    const { agent, account } = scenario;
    // The agent is offline: the email waits in the queue.
    const appended = await appendEmail(
      testEnvironment().dovecot,
      scenario.mailUser.user,
      scenario.mailUser.password,
      buildEmail({ from: 'dan@customer.test', to: account.emailAddress, subject: 'Refund', text: 'Please refund me.' }),
    );
    const workflowId = routingWorkflowId({ accountKey: account.key, uidValidity: appended.uidValidity, uid: appended.uid });
    await waitFor(
      'the routing workflow to wait for agents',
      async () => {
        const interaction = await platform.db.interaction.findFirst({ where: { accountId: account.id } });
        return interaction?.routingState === 'waiting-for-agents';
      },
      { timeoutMs: 30_000 },
    );

    await platform.worker.kill();
    await platform.worker.start();

    expect((await agent.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    const offer = await waitForOffer(agent);
    expect((await agent.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await agent.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'Refunded.' })).status).toBe(200);
    expect((await agent.post(`/api/interactions/${offer.interactionId}/close`, { dispositionId: scenario.dispositionId })).body).toEqual({
      state: 'closed',
    });
    expect(await platform.temporal.workflow.getHandle(workflowId).result()).toMatchObject({ state: 'closed' });
    recordHistoryIfAsked(workflowId, 'route-email-waits-for-agents-across-worker-kill');

    // Give a duplicate (a second watcher, a second start, a second send) time to show itself.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await platform.db.offer.count({ where: { interaction: { accountId: account.id } } })).toBe(1);
    expect(await platform.db.message.count({ where: { accountId: account.id, direction: 'inbound' } })).toBe(1);
    expect(smtp.messages).toHaveLength(1);
    const routingWorkflows = [];
    for await (const execution of platform.temporal.workflow.list({
      query: `MailrouteAccount = "${account.key}" AND WorkflowType = "routeEmail"`,
    })) {
      routingWorkflows.push(execution);
    }
    expect(routingWorkflows.map((execution) => [execution.workflowId, execution.status.name])).toEqual([[workflowId, 'COMPLETED']]);
  });
});
