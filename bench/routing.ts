/**
 * Routing benchmark on the same real servers the tests use (Temporal dev server, PostgreSQL, Dovecot; the worker
 * as a child process):
 *   - accept round-trip: an agent's POST /api/offers/:id/accept until the answer (one compare-and-set transaction
 *     in the API, then a signal to the routing workflow), one agent at a time, p50 / p95;
 *   - offer timeout → next offer: from an offer's expiry to the next agent's offer row (rrmemory queue, 1 s offers).
 *   npm run bench:routing [-- <accepts> <timeouts>]
 */
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { startTestPlatform, type TestPlatform } from '../tests/support/platform';
import { createScenario, routeNewEmail, waitForOffer } from '../tests/workflow/routing-scenario';
import { waitFor } from '../scripts/services/process-tools';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(name: string, values: number[]): void {
  const p50 = percentile(values, 50).toFixed(1);
  const p95 = percentile(values, 95).toFixed(1);
  const max = Math.max(...values).toFixed(1);
  console.log(`${name.padEnd(34)} n=${String(values.length).padStart(3)}  p50=${p50} ms  p95=${p95} ms  max=${max} ms`);
}

async function acceptRoundTrips(platform: TestPlatform, count: number): Promise<number[]> {
  const scenario = await createScenario(platform, {
    agents: 1,
    online: [0],
    queues: [{ members: [0] }],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
  });
  const [agent] = scenario.agents;
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const routed = await routeNewEmail(platform, scenario);
    const offer = await waitForOffer(agent!);
    const started = performance.now();
    const answer = await agent!.api.post(`/api/offers/${offer.id}/accept`);
    samples.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`accept answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    await agent!.api.post(`/api/interactions/${routed.interactionId}/close`, {});
    await routed.result();
  }
  return samples;
}

async function timeoutToNextOffer(platform: TestPlatform, count: number): Promise<number[]> {
  const scenario = await createScenario(platform, {
    agents: 2,
    online: [0, 1],
    queues: [{ members: [0, 1], strategy: 'rrmemory', offerTimeoutSeconds: 1 }],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
  });
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const routed = await routeNewEmail(platform, scenario);
    await waitFor('a second offer', async () => (await platform.db.offer.count({ where: { interactionId: routed.interactionId } })) >= 2, {
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const [first, second] = await platform.db.offer.findMany({ where: { interactionId: routed.interactionId }, orderBy: { id: 'asc' } });
    samples.push(second!.createdAt.getTime() - first!.expiresAt.getTime());
    await platform.temporal.workflow.getHandle(routed.workflowId).terminate('benchmark sample taken');
    await platform.db.offer.updateMany({ where: { interactionId: routed.interactionId, state: 'pending' }, data: { state: 'canceled' } });
  }
  return samples;
}

async function main(): Promise<void> {
  const [accepts = 40, timeouts = 10] = process.argv.slice(2).map(Number);
  await globalSetup();
  const platform = await startTestPlatform();
  try {
    await acceptRoundTrips(platform, 3); // warm-up: worker caches, connection pools
    report('accept round-trip (REST)', await acceptRoundTrips(platform, accepts));
    report('offer timeout → next offer', await timeoutToNextOffer(platform, timeouts));
  } finally {
    await platform.close();
    await globalTeardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
