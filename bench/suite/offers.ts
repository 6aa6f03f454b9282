/**
 * Email → offer, as the agents' desks see it over live events: single emails appended one at a time, and a burst
 * appended at once.
 */
import type { LiveEventStream } from '../../tests/support/live-events';
import type { TestPlatform } from '../../tests/support/platform';
import { testEnvironment } from '../../tests/support/test-environment';
import { customerEmail, withDeskMailbox, type Desk } from '../support/desk';
import { round, sleep, summarize } from '../support/stats';

/** Offer events as the agents' desks see them: first offer per interaction, timed on arrival. */
export function offerClock() {
  const firstOffer = new Map<number, number>();
  return {
    firstOffer,
    onEvent(event: LiveEventStream['events'][number]) {
      if (event.event !== 'offer') return;
      const interactionId = Number(event.data.interactionId);
      if (!firstOffer.has(interactionId)) firstOffer.set(interactionId, performance.now());
    },
  };
}

/**
 * Appends `count` emails one at a time (one APPEND every `intervalMs`) and returns APPEND completion → first offer
 * over SSE, per email. Emails whose offer never came within the wait are counted as missing.
 */
export async function emailToOffer(
  platform: TestPlatform,
  desk: Desk,
  clock: OfferClock,
  count: number,
  intervalMs: number,
  label: string,
  waitSeconds = 120,
) {
  const appended = new Map<number, number>();
  await withDeskMailbox(testEnvironment().dovecot, desk, async (client) => {
    const t0 = performance.now();
    for (let index = 0; index < count; index++) {
      const due = t0 + index * intervalMs;
      if (performance.now() < due) await sleep(due - performance.now());
      const response = await client.append('INBOX', customerEmail(desk, `${label} ${index}`));
      if (!response || response.uid === undefined) throw new Error('APPEND returned no UID');
      appended.set(response.uid, performance.now());
    }
  });
  const uids = [...appended.keys()];
  const deadline = Date.now() + waitSeconds * 1000;
  let messages: { uid: bigint | null; interactionId: number }[] = [];
  while (Date.now() < deadline) {
    messages = await platform.db.message.findMany({
      where: { accountId: desk.account.id, uid: { in: uids.map(BigInt) } },
      select: { uid: true, interactionId: true },
    });
    if (messages.length === uids.length && messages.every((message) => clock.firstOffer.has(message.interactionId))) break;
    await sleep(250);
  }
  const samples: number[] = [];
  for (const message of messages) {
    const offeredAt = clock.firstOffer.get(message.interactionId);
    if (offeredAt !== undefined) samples.push(offeredAt - appended.get(Number(message.uid))!);
  }
  return { summary: summarize(samples), samples: samples.map((value) => Math.round(value)), missing: count - samples.length };
}

export type OfferClock = ReturnType<typeof offerClock>;

export async function burst(desk: Desk, clock: OfferClock, count: number) {
  const before = new Set(clock.firstOffer.keys());
  const offeredSince = () => [...clock.firstOffer.keys()].filter((id) => !before.has(id)).length;
  const t0 = performance.now();
  let next = 0;
  // "At once": four IMAP sessions appending back to back.
  await Promise.all(
    Array.from({ length: 4 }, () =>
      withDeskMailbox(testEnvironment().dovecot, desk, async (client) => {
        while (next < count) {
          const index = next++;
          await client.append('INBOX', customerEmail(desk, `burst ${index}`));
        }
      }),
    ),
  );
  const deadline = Date.now() + 400_000;
  while (offeredSince() < count && Date.now() < deadline) await sleep(100);
  const seconds = (performance.now() - t0) / 1000;
  return { emails: count, offered: offeredSince(), seconds: round(seconds), emailsPerSecond: round(offeredSince() / seconds) };
}
