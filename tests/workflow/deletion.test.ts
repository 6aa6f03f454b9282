/**
 * Deleting an interaction ends its routing: a parked run and a held one (its holder paused for a missing disposition)
 * are cancelled at once and the holder gets their presence back; a run whose rows vanish without the API (nothing
 * cancels it) meets them as NotFound on its next step and ends, instead of retrying an activity for ever.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { recordHistoryIfAsked } from '../support/histories';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, routeNewEmail, waitForOffer } from './routing-scenario';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
});

async function statusOf(workflowId: string): Promise<string> {
  const { status } = await platform.temporal.workflow.getHandle(workflowId).describe();
  return status.name;
}

async function waitForClosed(workflowId: string, expected: string[]): Promise<void> {
  await waitFor(`${workflowId} to end as ${expected.join(' or ')}`, async () => expected.includes(await statusOf(workflowId)), {
    timeoutMs: 20_000,
    intervalMs: 200,
  });
}

it('cancels a parked run when its interaction is deleted', async () => {
  const scenario = await createScenario(platform, {
    agents: 1,
    online: [],
    queues: [{ members: [0] }],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 600 }],
  });
  const routed = await routeNewEmail(platform, scenario);
  await waitFor(
    'the interaction to wait in its queue',
    async () => (await platform.db.routingWait.count({ where: { interactionId: routed.interactionId } })) > 0,
  );
  const deleted = await platform.admin.delete(`/api/interactions/${routed.interactionId}?confirm=true`);
  expect(deleted.status).toBe(200);
  await waitForClosed(routed.workflowId, ['CANCELLED']);
  expect(await platform.db.interaction.count({ where: { id: routed.interactionId } })).toBe(0);
});

it('gives the holder paused for a missing disposition their presence back when the interaction is deleted', async () => {
  const scenario = await createScenario(platform, {
    agents: 1,
    online: [0],
    queues: [{ members: [0] }],
    account: { mandatoryDisposition: true, withPauseStatus: true },
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
  });
  const [agent] = scenario.agents;
  const routed = await routeNewEmail(platform, scenario);
  const offer = await waitForOffer(agent!);
  expect((await agent!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
  expect((await agent!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toMatchObject({
    state: 'disposing',
    needs: 'disposition',
  });
  expect((await agent!.api.get('/api/me')).body).toMatchObject({ presence: 'paused', pauseStatusId: scenario.pauseStatusId });

  const deleted = await platform.admin.post('/api/interactions/bulk-delete', { ids: [routed.interactionId], confirm: true });
  expect(deleted.body).toEqual({ deleted: 1 });
  await waitForClosed(routed.workflowId, ['CANCELLED']);
  recordHistoryIfAsked(routed.workflowId, 'route-email-deleted-while-disposing');
  expect((await agent!.api.get('/api/me')).body).toMatchObject({ presence: 'online', pauseStatusId: null });
});

it('ends a run whose interaction vanished underneath it: NotFound, not an activity retried for ever', async () => {
  const scenario = await createScenario(platform, {
    agents: 1,
    online: [],
    queues: [{ members: [0] }],
    plan: ({ queues }) => [
      { type: 'queue', queueId: queues[0]!, timeoutSeconds: 2 },
      { type: 'tag', tags: ['after-the-queue'] },
    ],
  });
  const routed = await routeNewEmail(platform, scenario);
  await waitFor(
    'the interaction to wait in its queue',
    async () => (await platform.db.routingWait.count({ where: { interactionId: routed.interactionId } })) > 0,
  );
  await platform.db.interaction.delete({ where: { id: routed.interactionId } });
  await waitForClosed(routed.workflowId, ['FAILED', 'COMPLETED']);
  const history = await platform.temporal.workflow.getHandle(routed.workflowId).fetchHistory();
  const failures = (history.events ?? []).flatMap((event) => {
    const failure = event.activityTaskFailedEventAttributes?.failure ?? event.markerRecordedEventAttributes?.failure;
    return failure ? [failure] : [];
  });
  expect(failures.length).toBeGreaterThan(0);
  expect(failures.every((failure) => failure.applicationFailureInfo?.type === 'NotFound')).toBe(true);
});
