/** The routing event log of interactions: append-only. */
import type { RoutingEventInput } from '../domain/routing-events';
import type { Database } from './db';

export function createRoutingEventStore(db: Database) {
  return {
    /** Appends one event; answers with when it was written and what a live announcement of it needs. */
    async append(input: Omit<RoutingEventInput, 'notify'>) {
      const event = await db.routingEvent.create({
        data: {
          interactionId: input.interactionId,
          messageId: input.messageId ?? null,
          workflowId: input.workflowId ?? null,
          type: input.type,
          detail: (input.detail ?? {}) as object,
        },
        include: { interaction: { include: { account: true } } },
      });
      const { account, ...interaction } = event.interaction;
      return { createdAt: event.createdAt, interaction, account };
    },
  };
}

export type RoutingEventStore = ReturnType<typeof createRoutingEventStore>;
