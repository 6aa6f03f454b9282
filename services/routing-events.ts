/**
 * Recording a routing event and announcing it live: the log in PostgreSQL is the truth, the live event (over the
 * EventBus) a hint for the desks and realtime views that show the interaction. Used by routing activities and by
 * the API (internal notes).
 */
import type { EventBus } from '../domain/live-events';
import { renderNotification } from '../domain/notifications';
import type { RoutingEventInput } from '../domain/routing-events';
import type { RoutingEventStore } from '../store/routing-events';

export function createRoutingEvents(deps: { store: RoutingEventStore; events: Pick<EventBus, 'publish'> }) {
  return {
    async record(input: RoutingEventInput): Promise<void> {
      const { notify, ...event } = input;
      const written = await deps.store.append(event);
      if (!written) return;
      await deps.events.publish({
        kind: 'routing',
        accountId: written.interaction.accountId,
        interactionId: input.interactionId,
        type: input.type,
        detail: input.detail ?? {},
        at: written.createdAt.toISOString(),
        ...(notify ? { notification: renderNotification(written.account, written.interaction) } : {}),
      });
    },
  };
}

export type RoutingEvents = ReturnType<typeof createRoutingEvents>;
