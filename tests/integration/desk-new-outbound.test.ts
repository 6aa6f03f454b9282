/**
 * A new email an agent starts, end to end (real Temporal, PostgreSQL, Dovecot, SMTP capture): it becomes an
 * interaction the agent holds with a routing run of its own, and the customer's answer threads to it and reaches the
 * agent.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { closeAndRecord, smtpSinks } from '../support/desk-outbound';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { createRoutedAccount } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

describe('a new outbound email', () => {
  it("is sent, held by the agent who wrote it, and the customer's answer threads to the same interaction and reaches the agent", async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp, { agentNames: ['Ivo Agent'] });
    const { account, agent, agentId } = routed;
    const other = await createRoutedAccount(platform, smtp);

    // Refused before anything starts: an account the agent does not work, a header in a name, no subject.
    const email = {
      accountId: account.id,
      to: [{ name: 'Hana Customer', address: 'hana@customer.test' }],
      cc: [{ address: 'ivan@customer.test' }],
      bcc: [{ address: 'archive@company.test' }],
      subject: 'Your refund',
      text: 'Your refund of 20 EUR is on its way.',
      requestId: 'new-email-request-1',
    };
    const foreign = await agent.post('/api/interactions', { ...email, accountId: other.account.id });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'accountId' })]);
    const injected = await agent.post('/api/interactions', {
      ...email,
      to: [{ name: 'Hana\r\nBcc: x@evil.test', address: 'hana@customer.test' }],
    });
    expect(injected.status).toBe(400);
    expect(injected.body.errors).toEqual([expect.objectContaining({ field: 'to.0.name' })]);
    const { subject: _subject, ...withoutSubject } = email;
    const noSubject = await agent.post('/api/interactions', withoutSubject);
    expect(noSubject.status).toBe(400);
    expect(noSubject.body.errors).toEqual([expect.objectContaining({ field: 'subject' })]);

    const started = await agent.post('/api/interactions', email);
    expect(started.status).toBe(201);
    expect(started.body.state).toBe('sent');
    const { interactionId, workflowId, messageIdHeader } = started.body;
    expect(workflowId).toBe(`outbound-${account.key}-${interactionId}`);
    const [sent] = await smtp.waitForMessages(1, 15_000);
    expect(sent!.messageId).toBe(messageIdHeader);
    expect(sent!.subject).toBe('Your refund');
    expect(sent!.inReplyTo).toBeUndefined();
    expect(sent!.to).toEqual([{ name: 'Hana Customer', address: 'hana@customer.test' }]);
    expect(sent!.cc.map((cc) => cc.address)).toEqual(['ivan@customer.test']);
    expect(sent!.envelope.rcptTo).toEqual(['hana@customer.test', 'ivan@customer.test', 'archive@company.test']);
    expect(sent!.text).toContain('Your refund of 20 EUR is on its way.');

    // The same request again (a retry after a lost answer) finds the first: one interaction, one email.
    const again = await agent.post('/api/interactions', email);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(started.body);

    // The agent holds it: in "my interactions", accepted, with a run of its own that says so.
    const mine = await agent.post('/api/interactions/search', { agentId, status: 'open' });
    expect(mine.body.items.map((item: { id: number }) => item.id)).toEqual([interactionId]);
    const detail = await agent.get(`/api/interactions/${interactionId}`);
    expect(detail.body).toMatchObject({ agentId, routingState: 'accepted', status: 'open', customerEmail: 'hana@customer.test' });
    expect(detail.body.messages.map((message: { direction: string }) => message.direction)).toEqual(['outbound']);
    expect(detail.body.events.map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(['outbound-started', 'reply-sent']),
    );
    const description = await platform.temporal.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.searchAttributes).toMatchObject({ MailrouteState: ['accepted'], MailrouteAgent: [String(agentId)] });

    // The customer answers: it threads to the same interaction (nothing is offered) and reaches the agent, unread.
    const answerId = uniqueMessageId('customer.test');
    await routed.deliver(
      buildEmail({
        from: 'Hana Customer <hana@customer.test>',
        to: account.emailAddress,
        subject: 'Re: Your refund',
        text: 'Thank you! When will it arrive?',
        messageId: answerId,
        inReplyTo: messageIdHeader,
        references: messageIdHeader,
      }),
    );
    let added: { workflowId: string | null; detail: unknown } | null = null;
    await waitFor(
      "the customer's answer on the agent's interaction",
      async () => {
        added = await platform.db.routingEvent.findFirst({ where: { interactionId, type: 'message-added' } });
        return added !== null;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // Told to the run that holds it, for the agent, and unread until they open it.
    expect(added).toMatchObject({ workflowId, detail: { agentId } });
    expect(await platform.db.interaction.findUniqueOrThrow({ where: { id: interactionId } })).toMatchObject({
      agentId,
      routingState: 'accepted',
      routingWorkflowId: workflowId,
      read: false,
    });
    const answered = await agent.get(`/api/interactions/${interactionId}`);
    expect(answered.body.messages.map((message: { direction: string }) => message.direction)).toEqual(['outbound', 'inbound']);
    expect(await platform.db.interaction.count({ where: { accountId: account.id } })).toBe(1);
    expect((await agent.get('/api/me/offers')).body).toEqual(expect.not.arrayContaining([expect.anything()]));

    // Replied to like any other interaction: threaded under the customer's answer.
    const reply = await agent.post(`/api/interactions/${interactionId}/reply`, { text: 'Within three days.' });
    expect(reply.status).toBe(200);
    const [, second] = await smtp.waitForMessages(2, 15_000);
    expect(second!.inReplyTo).toBe(answerId);
    expect(second!.subject).toBe('Re: Your refund');

    await closeAndRecord(platform, agent, interactionId, routed.dispositionId, 'route-email-outbound-sent-by-run-answered');
  });

  it('answers that it is still sending when the SMTP server is down, and the run goes on trying', async () => {
    // The run sends it, not the request: the email goes out however the request ends.
    const routed = await createRoutedAccount(platform, await sink(), { account: { smtpPort: 1 } });
    const asked = Date.now();
    const started = await routed.agent.post('/api/interactions', {
      accountId: routed.account.id,
      to: [{ address: 'lea@customer.test' }],
      subject: 'Your order',
      text: 'It ships today.',
      requestId: 'new-email-smtp-down',
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ state: 'sending', error: null });
    expect(Date.now() - asked).toBeLessThan(30_000);
    const { interactionId } = started.body;
    // The agent holds it and the thread shows the email still trying.
    await waitFor('the email in the outbox', async () => (await platform.db.outboundEmail.count({ where: { interactionId } })) === 1);
    expect(await platform.db.interaction.findUniqueOrThrow({ where: { id: interactionId } })).toMatchObject({
      agentId: routed.agentId,
      routingState: 'accepted',
    });
  });
});
