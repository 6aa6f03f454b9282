/** Live events (offers, routing steps, messages) from workers to API processes, for SSE and realtime views. */
import type { DeskNotification } from './notifications';

/**
 * Live events. Offers (including transfers: `source` "transfer") and new messages on a held interaction carry the
 * desk notification (the account's template rendered, sound and shake flags).
 */
export type LiveEvent =
  | {
      kind: 'offer';
      accountId: number;
      interactionId: number;
      agentId: number;
      offerId: number;
      expiresAt: string;
      source?: string;
      notification?: DeskNotification;
    }
  | {
      kind: 'routing';
      accountId: number;
      interactionId: number;
      type: string;
      detail: Record<string, unknown>;
      at: string;
      notification?: DeskNotification;
    }
  /**
   * A user's presence changed, by whatever means (announced by the database: the trigger `announce_presence`, last
   * changed by migration 20261130100000_presence_since). Delivered to that user's own streams, and to supervisors and
   * admins of the accounts the user works for (`accountIds`: added to it or a member of one of its queues; a stream
   * is sent only those of its own accounts). `since`: when the user entered this presence.
   */
  | {
      kind: 'presence';
      userId: number;
      presence: 'online' | 'paused' | 'offline';
      pauseStatusId: number | null;
      since?: string;
      accountIds?: number[];
    }
  /**
   * Who may see what changed for these users (null: for anyone): memberships, roles, a revoked token, a deleted
   * account. Open live streams check their user again before they deliver anything more; never sent to clients.
   */
  | { kind: 'access'; userIds: number[] | null };

/** Events about an account's interactions. */
export type AccountEvent = Exclude<LiveEvent, { kind: 'access' } | { kind: 'presence' }>;

/** What a desk's live stream receives: its accounts' events and the user's own presence. */
export type DeskEvent = Exclude<LiveEvent, { kind: 'access' }>;

export interface EventBus {
  publish(event: LiveEvent): Promise<void>;
}

/** The PostgreSQL NOTIFY channel (also named by the presence trigger's migration). */
export const LIVE_EVENTS_CHANNEL = 'mailroute_events';
