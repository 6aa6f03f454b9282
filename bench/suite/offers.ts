/**
 * Offers as agents' desks see them (live offer events over SSE, timed on arrival by the wall clock), and emails put
 * into a desk's mailbox: one at a time on a schedule, or many at once before a clock starts.
 */
import type { LiveEventStream } from '../../tests/support/live-events';
import type { TestPlatform } from '../../tests/support/platform';
import { testEnvironment } from '../../tests/support/test-environment';
import { customerEmail, withDeskMailbox, type Desk } from '../support/desk';
import { sleep, summarize } from '../support/stats';
import type { OfferLatency } from './result';

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with timestamps other processes write). */
export const wallClock = () => performance.timeOrigin + performance.now();

/** First offer event per interaction, timed on arrival. */
export function offerClock(filter: (event: LiveEventStream['events'][number]) => boolean = () => true) {
  const firstOffer = new Map<number, number>();
  const waiters = new Set<() => void>();
  return {
    firstOffer,
    onEvent(event: LiveEventStream['events'][number]) {
      if (event.event !== 'offer' || !filter(event)) return;
      const interactionId = Number(event.data.interactionId);
      if (firstOffer.has(interactionId)) return;
      firstOffer.set(interactionId, wallClock());
      for (const wake of waiters) wake();
    },
    /** Resolves once `count` interactions were offered, or the deadline passed. */
    async waitForCount(count: number, deadline: number): Promise<void> {
      while (firstOffer.size < count && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, 250);
          waiters.add(wake);
        });
      }
    },
  };
}

export type OfferClock = ReturnType<typeof offerClock>;

/**
 * Puts `count` emails into the desk's INBOX over `sessions` IMAP sessions at once (APPEND back to back on each): the
 * mailbox a watcher finds when it starts. Answers the seconds it took.
 */
export async function bulkAppend(desk: Desk, count: number, label: string, sessions = 4): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: sessions }, () =>
      withDeskMailbox(testEnvironment().dovecot, desk, async (client) => {
        while (next < count) {
          const index = next++;
          await client.append('INBOX', customerEmail(desk, `${label} ${index}`));
        }
      }),
    ),
  );
  return (performance.now() - t0) / 1000;
}

/**
 * Single emails, one APPEND every `intervalMs` (open loop: a slow offer does not delay the next email), each timed
 * from the APPEND's completion and from the watcher's notice (Message.noticedAt) to its offer on the agents' streams.
 */
export async function singles(
  platform: TestPlatform,
  desk: Desk,
  clock: OfferClock,
  options: { count: number; intervalMs: number; label: string; waitSeconds?: number },
): Promise<OfferLatency> {
  const appended = new Map<number, number>();
  await withDeskMailbox(testEnvironment().dovecot, desk, async (client) => {
    const t0 = performance.now();
    const pending: Promise<void>[] = [];
    for (let index = 0; index < options.count; index++) {
      const due = t0 + index * options.intervalMs;
      if (performance.now() < due) await sleep(due - performance.now());
      pending.push(
        client.append('INBOX', customerEmail(desk, `${options.label} ${index}`)).then((response) => {
          if (!response || response.uid === undefined) throw new Error('APPEND returned no UID');
          appended.set(response.uid, wallClock());
        }),
      );
    }
    await Promise.all(pending);
  });
  const uids = [...appended.keys()];
  const deadline = Date.now() + (options.waitSeconds ?? 60) * 1000;
  let messages: Array<{ uid: bigint | null; interactionId: number; noticedAt: Date | null }> = [];
  while (Date.now() < deadline) {
    messages = await platform.db.message.findMany({
      where: { accountId: desk.account.id, uid: { in: uids.map(BigInt) } },
      select: { uid: true, interactionId: true, noticedAt: true },
    });
    if (messages.length === uids.length && messages.every((message) => clock.firstOffer.has(message.interactionId))) break;
    await sleep(250);
  }
  const appendToOffer: number[] = [];
  const noticeToOffer: number[] = [];
  const appendToNotice: number[] = [];
  for (const message of messages) {
    const offeredAt = clock.firstOffer.get(message.interactionId);
    const appendedAt = appended.get(Number(message.uid))!;
    if (message.noticedAt) appendToNotice.push(message.noticedAt.getTime() - appendedAt);
    if (offeredAt === undefined) continue;
    appendToOffer.push(offeredAt - appendedAt);
    if (message.noticedAt) noticeToOffer.push(offeredAt - message.noticedAt.getTime());
  }
  return {
    appendToOffer: summarize(appendToOffer),
    noticeToOffer: summarize(noticeToOffer),
    appendToNotice: summarize(appendToNotice),
    missing: options.count - appendToOffer.length,
    samples: { appendToOffer: appendToOffer.map(Math.round), noticeToOffer: noticeToOffer.map((value) => Math.round(value * 10) / 10) },
  };
}
