/**
 * What must happen after the chaos run's last fault, not only what must never happen: every email is offered within
 * {@link OFFERED_WITHIN_MS} of the moment the last fault was over (the killed or restarted process serving again),
 * and, since the agents have room for every email and work their offers, every one is accepted and closed.
 *
 * Offer times are the offer rows' `createdAt` (PostgreSQL's clock, the run's clock: one machine).
 */
import type { Database } from '../../store/db';
import { percentile, round } from '../support/stats';
import type { Violation } from './invariants';

/** The liveness bound: once the faults are over, no email waits longer than this for its first offer. */
export const OFFERED_WITHIN_MS = 60_000;

export const LIVENESS_INVARIANTS = [
  `every email offered within ${OFFERED_WITHIN_MS / 1000} s after the last fault`,
  'every email accepted and closed',
] as const;
const [OFFERED, CLOSED] = LIVENESS_INVARIANTS;

/** Seconds from the last fault to the first offer of the emails still unoffered when it was over. */
export interface LivenessFigures {
  'emails offered before the last fault was over': number;
  'last fault → first offer of the others (s)': { n: number; p95: number | null; max: number | null };
  'emails accepted and closed': number;
}

export async function checkLiveness(
  db: Database,
  accountId: number,
  mailbox: Array<{ uid: number; messageId?: string }>,
  faultsOverAt: number,
): Promise<{ violations: Violation[]; figures: LivenessFigures }> {
  const violations: Violation[] = [];
  const violate = (invariant: string, detail: string) => violations.push({ invariant, detail });
  const [inbound, interactions, firstOffers, accepted] = await Promise.all([
    db.message.findMany({ where: { accountId, direction: 'inbound' }, select: { messageIdHeader: true, interactionId: true } }),
    db.interaction.findMany({ where: { accountId }, select: { id: true, status: true } }),
    db.offer.groupBy({ by: ['interactionId'], where: { interaction: { accountId } }, _min: { createdAt: true } }),
    db.offer.findMany({ where: { interaction: { accountId }, state: 'accepted' }, select: { interactionId: true } }),
  ]);
  const interactionOf = new Map(inbound.map((message) => [message.messageIdHeader ?? '', message.interactionId]));
  const statusOf = new Map(interactions.map((interaction) => [interaction.id, interaction.status]));
  const firstOfferAt = new Map(firstOffers.map((row) => [row.interactionId, row._min.createdAt?.getTime()]));
  const acceptedIds = new Set(accepted.map((offer) => offer.interactionId));

  let offeredBefore = 0;
  let closed = 0;
  const afterFaults: number[] = [];
  for (const email of mailbox) {
    const name = `${email.messageId} (UID ${email.uid})`;
    const interactionId = interactionOf.get(email.messageId ?? '');
    if (interactionId === undefined) {
      violate(OFFERED, `${name}: never ingested`);
      violate(CLOSED, `${name}: never ingested`);
      continue;
    }
    const offeredAt = firstOfferAt.get(interactionId);
    if (offeredAt === undefined) violate(OFFERED, `${name}, interaction ${interactionId}: never offered`);
    else if (offeredAt <= faultsOverAt) offeredBefore += 1;
    else {
      afterFaults.push(offeredAt - faultsOverAt);
      if (offeredAt - faultsOverAt > OFFERED_WITHIN_MS)
        violate(
          OFFERED,
          `${name}, interaction ${interactionId}: first offered ${seconds(offeredAt - faultsOverAt)} s after the last fault`,
        );
    }
    const status = statusOf.get(interactionId);
    if (status === 'closed' && acceptedIds.has(interactionId)) closed += 1;
    else
      violate(
        CLOSED,
        `${name}, interaction ${interactionId}: ${status}, ${acceptedIds.has(interactionId) ? 'accepted' : 'never accepted'}`,
      );
  }
  return {
    violations,
    figures: {
      'emails offered before the last fault was over': offeredBefore,
      'last fault → first offer of the others (s)': {
        n: afterFaults.length,
        p95: afterFaults.length ? seconds(percentile(afterFaults, 95)) : null,
        max: afterFaults.length ? seconds(Math.max(...afterFaults)) : null,
      },
      'emails accepted and closed': closed,
    },
  };
}

function seconds(ms: number): number {
  return round(ms / 1000);
}
