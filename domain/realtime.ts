/**
 * The supervisor's realtime account view, computed from the open interactions of an account, the offers pending
 * on them and the account's agents.
 *
 * One rule counts offers everywhere: an interaction is *offered* while at least one offer of it is pending (whatever
 * its routing state says: a transfer waits in "transferring" with an offer out), *in progress* while an agent holds
 * it, *unassigned* when routing found nobody and it waits to be picked up, else *waiting*. The tiles and the per-queue rows count interactions by that rule; each agent's row counts the
 * offers pending to that agent, so every offer on an agent's row is one of the tile's offered interactions (an
 * interaction rung to three agents is one offered interaction and one offer on each of their rows).
 */
import type { Presence } from './people';
import { isUnassigned } from './routing';

export interface RealtimeCounts {
  waiting: number;
  /** Interactions routing could not place: they wait for an agent to pick them up or a supervisor to route them. */
  unassigned: number;
  offered: number;
  inProgress: number;
  /** Seconds since the last customer message of the longest-waiting interaction not yet taken. */
  longestWaitSeconds: number;
}

export interface OpenInteraction {
  id: number;
  routingState: string;
  queueId: number | null;
  agentId: number | null;
  lastMessageAt: Date;
}

/** An offer still waiting for its agent's answer. */
export interface PendingOfferRef {
  interactionId: number;
  agentId: number;
}

export interface TeamMember {
  id: number;
  name: string;
  presence: Presence;
  pauseStatusId: number | null;
  /** The pause status's name, when paused with one. */
  pauseReason: string | null;
  /** Since when the agent is in this presence (and pause status). */
  presenceSince: Date;
}

export interface AgentActivity {
  id: number;
  name: string;
  presence: Presence;
  pauseStatusId: number | null;
  pauseReason: string | null;
  presenceSince: string;
  /** Offers pending to this agent. */
  offers: number;
  /** Interactions the agent holds (accepted, or disposing). */
  held: number;
}

type RealtimeState = keyof Omit<RealtimeCounts, 'longestWaitSeconds'>;

const HELD_STATES = new Set(['accepted', 'disposing']);

export function realtimeStateOf(routingState: string, hasPendingOffer: boolean): RealtimeState {
  if (hasPendingOffer) return 'offered';
  if (HELD_STATES.has(routingState)) return 'inProgress';
  if (isUnassigned(routingState)) return 'unassigned';
  return 'waiting';
}

function countBy(rows: Array<OpenInteraction & { state: RealtimeState }>, key: (row: OpenInteraction) => number | null, now: number) {
  const groups = new Map<number | null, RealtimeCounts>();
  for (const row of rows) {
    const counts = groups.get(key(row)) ?? { waiting: 0, unassigned: 0, offered: 0, inProgress: 0, longestWaitSeconds: 0 };
    counts[row.state] += 1;
    if (row.state !== 'inProgress')
      counts.longestWaitSeconds = Math.max(counts.longestWaitSeconds, Math.round((now - row.lastMessageAt.getTime()) / 1000));
    groups.set(key(row), counts);
  }
  return [...groups].map(([id, counts]) => ({ id, ...counts }));
}

/** Agents by name, then id; the agents of the team first, with anyone else who holds or is offered one of them. */
function agentRows(
  rows: Array<OpenInteraction & { state: RealtimeState }>,
  offers: PendingOfferRef[],
  team: TeamMember[],
): AgentActivity[] {
  const offered = new Map<number, number>();
  for (const offer of offers) offered.set(offer.agentId, (offered.get(offer.agentId) ?? 0) + 1);
  const held = new Map<number, number>();
  for (const row of rows) if (row.state === 'inProgress' && row.agentId !== null) held.set(row.agentId, (held.get(row.agentId) ?? 0) + 1);
  return team
    .map((member) => ({
      id: member.id,
      name: member.name,
      presence: member.presence,
      pauseStatusId: member.pauseStatusId,
      pauseReason: member.presence === 'paused' ? member.pauseReason : null,
      presenceSince: member.presenceSince.toISOString(),
      offers: offered.get(member.id) ?? 0,
      held: held.get(member.id) ?? 0,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
}

export function summariseOpenInteractions(
  interactions: OpenInteraction[],
  pendingOffers: PendingOfferRef[],
  team: TeamMember[],
  now: number,
) {
  const open = new Set(interactions.map((row) => row.id));
  const offers = pendingOffers.filter((offer) => open.has(offer.interactionId));
  const offeredIds = new Set(offers.map((offer) => offer.interactionId));
  const rows = interactions.map((row) => ({ ...row, state: realtimeStateOf(row.routingState, offeredIds.has(row.id)) }));
  const { id: _all, ...totals } = countBy(rows, () => 0, now)[0] ?? {
    id: 0,
    waiting: 0,
    unassigned: 0,
    offered: 0,
    inProgress: 0,
    longestWaitSeconds: 0,
  };
  return {
    ...totals,
    queues: countBy(rows, (row) => row.queueId, now),
    agents: agentRows(rows, offers, team),
  };
}
