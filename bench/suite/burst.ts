/**
 * Burst: the emails are in the mailbox before the clock starts; the account is activated (its watcher starts) at t=0,
 * and the clock stops when every email has been offered (a live offer event per interaction, on a supervisor's
 * stream). The agents have room for every offer, so the figure is the pipeline's, not the agents' pace: IMAP fetch
 * in batches, store, eager start, first workflow task with its local activities, the offer, the live event. The
 * CPU of each process and the database round trips over the same window, per email, are what docs/scaling.md sizes.
 */
import { openLiveEvents } from '../../tests/support/live-events';
import { testEnvironment } from '../../tests/support/test-environment';
import { createDesk } from '../support/desk';
import type { BenchPlatform } from '../support/platform';
import type { MeasuredProcess } from '../support/proc';
import { round } from '../support/stats';
import { measureCost } from './cost';
import { bulkAppend, offerClock, wallClock } from './offers';
import type { BackendResult } from './result';

export async function burst(
  platform: BenchPlatform,
  processes: MeasuredProcess[],
  options: { emails: number; agents: number },
  log: (line: string) => void,
): Promise<BackendResult['burst']> {
  const desk = await createDesk(platform, {
    dovecot: testEnvironment().dovecot,
    agents: options.agents,
    capacity: Math.ceil(options.emails / options.agents),
    offerTimeoutSeconds: 3600,
    strategy: 'rrmemory',
    online: true,
    activate: false,
  });
  const appendSeconds = await bulkAppend(desk, options.emails, 'burst');
  log(`burst: ${options.emails} emails in the mailbox (appended in ${round(appendSeconds)} s); activating the account`);
  const clock = offerClock((event) => Number(event.data.accountId) === desk.account.id);
  const stream = await openLiveEvents(platform.apiUrl, platform.adminToken, (event) => clock.onEvent(event));
  let t0 = 0;
  let last = 0;
  const cost = await measureCost(
    platform,
    processes,
    () => clock.firstOffer.size,
    async () => {
      t0 = wallClock();
      const activated = await platform.admin.patch(`/api/accounts/${desk.account.id}`, { active: true });
      if (activated.status !== 200) throw new Error(`activating the burst account: HTTP ${activated.status}`);
      await clock.waitForCount(options.emails, Date.now() + 600_000);
      last = Math.max(...clock.firstOffer.values());
    },
  );
  stream.close();
  const offered = clock.firstOffer.size;
  const seconds = (last - t0) / 1000;
  const first = Math.min(...clock.firstOffer.values());
  return {
    emails: options.emails,
    offered,
    seconds: round(seconds),
    emailsPerSecond: round(offered / seconds),
    firstOfferSeconds: Math.round((first - t0) / 10) / 100,
    cost,
  };
}
