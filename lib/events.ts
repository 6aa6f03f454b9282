/** Live events (offers, routing steps, messages) from workers to API processes, for SSE and realtime views. */
export type LiveEvent =
  | { kind: 'offer'; accountId: number; interactionId: number; agentId: number; offerId: number; expiresAt: string }
  | { kind: 'routing'; accountId: number; interactionId: number; type: string; detail: Record<string, unknown>; at: string };

export interface EventBus {
  publish(event: LiveEvent): Promise<void>;
}

export const LIVE_EVENTS_CHANNEL = 'mailroute_events';
