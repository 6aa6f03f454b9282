/**
 * The supervisor's reassignment of a held interaction, end to end (real Temporal, PostgreSQL, Dovecot, SMTP
 * capture): who may reassign to whom, the transfer targets the holder is offered, and the new holder's reply.
 */
import { closeAndRecord, smtpSinks } from '../support/desk-outbound';
import { buildEmail } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { createRoutedAccount, waitForOffer, type RoutedAccount } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

describe('supervisor reassign', () => {
  it('hands a held interaction to another agent of the account, even with transfers off; others get 403/404', async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp, { agentNames: ['Ann Agent', 'Ben Agent'] });
    const [ann, ben] = routed.agents as [RoutedAccount['agents'][0], RoutedAccount['agents'][0]];
    const supervisorUser = await platform.admin.post('/api/users', {
      name: 'Sue Supervisor',
      email: `sue-${routed.account.key}@test.invalid`,
      role: 'supervisor',
      password: 'supervisor-password',
    });
    const outsiderUser = await platform.admin.post('/api/users', {
      name: 'Olly Outsider',
      email: `olly-${routed.account.key}@test.invalid`,
      role: 'supervisor',
      password: 'supervisor-password',
    });
    const agentIds = [ann.id, ben.id, supervisorUser.body.id];
    expect((await platform.admin.put(`/api/accounts/${routed.account.id}/agents`, { agentIds })).status).toBe(200);
    const supervisor = await platform.clientFor(supervisorUser.body.id);
    const outsider = await platform.clientFor(outsiderUser.body.id);

    await routed.deliver(buildEmail({ from: 'ida@customer.test', to: routed.account.emailAddress, subject: 'Reassign me', text: 'Hi' }));
    expect((await ann.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    const offer = await waitForOffer(ann.client);
    expect((await ann.client.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);

    // Transfers are off on this account: the agent is offered no targets; switched on, the account's own.
    const none = await ann.client.get(`/api/interactions/${offer.interactionId}/transfer-targets`);
    expect(none.body).toEqual({ enabled: false, agents: [], queues: [], accounts: [] });
    expect(
      (await platform.admin.patch(`/api/accounts/${routed.account.id}`, { transferEnabled: true, transferToAccount: true })).status,
    ).toBe(200);
    const targets = (await ann.client.get(`/api/interactions/${offer.interactionId}/transfer-targets`)).body;
    expect(targets.agents.map((agent: { id: number }) => agent.id).sort()).toEqual([ben.id, supervisorUser.body.id].sort());
    expect(targets.queues.map((queue: { id: number }) => queue.id)).toEqual([routed.queueId]);
    expect(targets.accounts.map((account: { id: number }) => account.id)).not.toContain(routed.account.id);
    expect((await platform.admin.patch(`/api/accounts/${routed.account.id}`, { transferEnabled: false })).status).toBe(200);
    expect((await outsider.get(`/api/interactions/${offer.interactionId}/transfer-targets`)).status).toBe(404);

    expect((await ann.client.post(`/api/interactions/${offer.interactionId}/reassign`, { agentId: ben.id })).status).toBe(403);
    expect((await outsider.post(`/api/interactions/${offer.interactionId}/reassign`, { agentId: ben.id })).status).toBe(404);
    const notMember = await supervisor.post(`/api/interactions/${offer.interactionId}/reassign`, { agentId: outsiderUser.body.id });
    expect(notMember.status).toBe(400);
    expect(notMember.body.errors).toEqual([expect.objectContaining({ field: 'agentId' })]);

    expect((await ben.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    const reassigned = await supervisor.post(`/api/interactions/${offer.interactionId}/reassign`, { agentId: ben.id });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body).toEqual({ state: 'transferring' });
    expect((await ann.client.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'Still mine?' })).status).toBe(409);

    const bensOffer = await waitForOffer(ben.client);
    expect(bensOffer.interactionId).toBe(offer.interactionId);
    expect((await ben.client.post(`/api/offers/${bensOffer.id}/accept`)).status).toBe(200);
    expect((await ben.client.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'Ben here.' })).status).toBe(200);
    const [sent] = await smtp.waitForMessages(1, 15_000);
    expect(sent!.text).toContain('Ben here.');
    expect((await platform.db.interaction.findUniqueOrThrow({ where: { id: offer.interactionId } })).agentId).toBe(ben.id);
    await closeAndRecord(platform, ben.client, offer.interactionId, routed.dispositionId, 'route-email-supervisor-reassign');
  });
});
