/**
 * The words the desk shows for the server's states: one map, so "waiting-for-agents" or "open · accepted" never reach
 * the screen. The routing states come from domain/routing.ts (a type only: nothing of it is bundled).
 */
import type { InteractionRoutingState } from '../../domain/routing';
import type { Presence } from './types';

const ROUTING_LABELS: Record<InteractionRoutingState, string> = {
  new: 'New',
  'offered-to-assigned-agent': 'Offered to its agent',
  'offered-to-assigned-queue': 'Offered to its queue',
  'running-action-plan': 'Being routed',
  offered: 'Offered',
  'waiting-for-agents': 'Waiting for an agent',
  accepted: 'With an agent',
  disposing: 'Waiting for a disposition',
  transferring: 'Being transferred',
  closed: 'Closed',
  'joined-open-interaction': 'Joined an open interaction',
  'ended-without-agent': 'Unassigned',
  unassigned: 'Unassigned',
};

export const PRESENCE_LABELS: Record<Presence, string> = { online: 'Online', paused: 'Paused', offline: 'Offline' };

/** A presence in words, with the pause reason when there is one ("Paused: Lunch"). */
export function presenceLabel(presence: string, pauseReason?: string | null): string {
  const words = PRESENCE_LABELS[presence as Presence] ?? presence;
  return presence === 'paused' && pauseReason ? `${words}: ${pauseReason}` : words;
}

/**
 * Where an interaction is, for people: "Closed", "Waiting for an agent", "With you", "With Alice"… `agentName` names
 * the holder when known; `youId` is the signed-in user.
 */
export function interactionStateLabel(
  interaction: { status: string; routingState: string; agentId: number | null },
  names: { youId?: number; agentName?: string | null } = {},
): string {
  if (interaction.status === 'closed') return 'Closed';
  const state = interaction.routingState as InteractionRoutingState;
  if (interaction.agentId !== null && interaction.agentId === names.youId && !isHeldState(state)) return 'Being transferred';
  if (state === 'accepted' || state === 'disposing') {
    const who =
      interaction.agentId !== null && interaction.agentId === names.youId
        ? 'you'
        : (names.agentName ?? (interaction.agentId !== null ? 'an agent' : null));
    if (who) return state === 'disposing' ? `With ${who}, waiting for a disposition` : `With ${who}`;
  }
  return ROUTING_LABELS[state] ?? 'In progress';
}

/**
 * Whether routing has the interaction with its agent (accepted, or waiting for the disposition). An open interaction
 * still naming an agent in any other state is being passed on (a transfer offered to someone else).
 */
export function isHeldState(routingState: string): boolean {
  return routingState === 'accepted' || routingState === 'disposing';
}

/** Where an offer came from, for its card. */
export function offerSourceLabel(source: string): string {
  return source === 'transfer' ? 'Transferred to you' : source === 'assigned-agent' ? 'Assigned to you' : 'Offered';
}
