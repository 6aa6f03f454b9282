/** The API under a fixed request rate: configuration reads and writes, and the interactions search. */
import type { TestPlatform } from '../../tests/support/platform';
import type { Desk } from '../support/desk';
import { sleep, summarize } from '../support/stats';
import type { BenchSizes } from './result';

/** Requests at a fixed rate (open loop: each fires on schedule, whatever the previous ones are doing). */
async function fixedRate(ratePerSecond: number, seconds: number, request: (index: number) => Promise<number>) {
  const samples: number[] = [];
  let errors = 0;
  const errorStatuses: Record<string, number> = {};
  const total = Math.round(ratePerSecond * seconds);
  const t0 = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = t0 + (index * 1000) / ratePerSecond;
    if (performance.now() < due) await sleep(due - performance.now());
    inFlight.push(
      (async () => {
        const sent = performance.now();
        const status = await request(index).catch(() => 0);
        samples.push(performance.now() - sent);
        if (status < 200 || status >= 300) {
          errors += 1;
          errorStatuses[status || 'network'] = (errorStatuses[status || 'network'] ?? 0) + 1;
        }
      })(),
    );
  }
  await Promise.all(inFlight);
  return { summary: summarize(samples), errors, errorStatuses, requests: total };
}

export async function apiLoad(platform: TestPlatform, desk: Desk, sizes: BenchSizes) {
  const { admin } = platform;
  const rate = sizes.apiRatePerSecond;
  const [configRead, configWrite, search] = await Promise.all([
    fixedRate(rate, sizes.apiSeconds, async () => (await admin.get(`/api/accounts/${desk.account.id}`)).status),
    fixedRate(
      rate,
      sizes.apiSeconds,
      async (index) => (await admin.patch(`/api/queues/${desk.queueId}`, { offerTimeoutSeconds: 60 + (index % 2) })).status,
    ),
    fixedRate(
      rate,
      sizes.apiSeconds,
      async () =>
        (
          await admin.post('/api/interactions/search', {
            accountId: desk.account.id,
            match: 'all',
            conditions: [{ field: 'subject', operator: 'contains', value: 'single 1' }],
            limit: 50,
          })
        ).status,
    ),
  ]);
  return { 'config read (GET account)': configRead, 'config write (PATCH queue)': configWrite, 'interaction search': search };
}
