/**
 * An operator acts from the Temporal CLI (or the Web UI's "Send a signal"): the routing workflow takes the transfer
 * and the close as signals, validated as the REST API's updates are; a refused one leaves a routing event with the
 * reason. Each run also carries a readable summary in its user metadata. Real Temporal CLI, server, PostgreSQL,
 * Dovecot and SMTP capture.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findTemporalCli } from '../../scripts/services/temporal';
import { waitFor } from '../../scripts/services/process-tools';
import { smtpSinks } from '../support/desk-outbound';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount, waitForOffer } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();
const run = promisify(execFile);

/** `temporal workflow signal` as an operator types it. */
async function signal(workflowId: string, name: string, input: unknown): Promise<void> {
  await run(findTemporalCli(), [
    'workflow',
    'signal',
    '--address',
    process.env.TEMPORAL_ADDRESS!,
    '--namespace',
    'default',
    '--workflow-id',
    workflowId,
    '--name',
    name,
    '--input',
    JSON.stringify(input),
  ]);
}

async function events(interactionId: number) {
  return platform.db.routingEvent.findMany({ where: { interactionId }, orderBy: { id: 'asc' } });
}

describe('an operator in the Temporal CLI', () => {
  it('transfers and closes by signal; a refused signal is recorded with its reason', async () => {
    const routed = await createRoutedAccount(platform, await sink(), {
      agentNames: ['Alice Agent', 'Bob Agent'],
      account: { transferEnabled: true, transferToAgent: true },
    });
    const [alice, bob] = routed.agents;
    await routed.deliver(
      buildEmail({
        from: 'Carla <carla@customer.test>',
        to: routed.account.emailAddress,
        subject: 'Parcel never came',
        text: 'Still waiting.',
        messageId: uniqueMessageId('customer.test'),
      }),
    );
    const offer = await acceptNextOffer(alice!.client);
    const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: offer.interactionId } });
    const workflowId = interaction.routingWorkflowId!;

    // The Web UI's list reads who wrote what without opening the run.
    const described = await platform.temporal.workflow.getHandle(workflowId).describe();
    expect(await described.staticSummary()).toBe(`${routed.account.key}: carla@customer.test · Parcel never came`);

    // Refused: Alice already holds it.
    await signal(workflowId, 'transfer', { actorId: alice!.id, target: { kind: 'agent', agentId: alice!.id } });
    await waitFor('the refusal recorded', async () => (await events(offer.interactionId)).some((e) => e.type === 'signal-refused'), {
      timeoutMs: 30_000,
    });
    const refusal = (await events(offer.interactionId)).find((event) => event.type === 'signal-refused')!;
    expect(refusal.detail).toEqual({ signal: 'transfer', reason: `agent ${alice!.id} already holds it` });

    // Transferred to Bob, who accepts.
    expect((await bob!.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    await signal(workflowId, 'transfer', { actorId: alice!.id, target: { kind: 'agent', agentId: bob!.id } });
    const transferred = await waitForOffer(bob!.client);
    expect((await bob!.client.post(`/api/offers/${transferred.id}/accept`)).status).toBe(200);
    await waitFor('held by Bob', async () => {
      const row = await platform.db.interaction.findUniqueOrThrow({ where: { id: offer.interactionId } });
      return row.agentId === bob!.id && row.routingState === 'accepted';
    });

    // Closed by the operator, with the disposition the account requires.
    await signal(workflowId, 'close', { actorId: bob!.id, asSupervisor: true, dispositionId: routed.dispositionId });
    await waitFor('closed', async () => {
      const row = await platform.db.interaction.findUniqueOrThrow({ where: { id: offer.interactionId } });
      return row.status === 'closed';
    });
    const closed = await platform.db.interaction.findUniqueOrThrow({ where: { id: offer.interactionId } });
    expect(closed.dispositionId).toBe(routed.dispositionId);
  });

  it('answers a close without the required disposition with what is missing, and records it', async () => {
    const routed = await createRoutedAccount(platform, await sink());
    await routed.deliver(
      buildEmail({
        from: 'dan@customer.test',
        to: routed.account.emailAddress,
        subject: 'Refund',
        text: 'Refund?',
        messageId: uniqueMessageId(),
      }),
    );
    const offer = await acceptNextOffer(routed.agent);
    const answer = await routed.agent.post(`/api/interactions/${offer.interactionId}/close`, {});
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ state: 'disposing', needs: 'disposition', message: 'choose a disposition to close this interaction' });
    const recorded = (await events(offer.interactionId)).filter((event) => event.type === 'disposition-needed');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.detail).toEqual({ agentId: routed.agentId });
  });
});
