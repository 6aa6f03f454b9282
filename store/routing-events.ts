/** The routing event log of interactions: append-only. */
import type { RoutingEventInput } from '../domain/routing-events';
import type { Database } from './db';

export function createRoutingEventStore(db: Database) {
  return {
    /**
     * Appends one event; answers with when it was written and what a live announcement of it needs, or null when an
     * event with its `once` key is already there.
     */
    async append(input: Omit<RoutingEventInput, 'notify'>) {
      const data = {
        interactionId: input.interactionId,
        messageId: input.messageId ?? null,
        workflowId: input.workflowId ?? null,
        type: input.type,
        detail: (input.detail ?? {}) as object,
        onceKey: input.once ?? null,
      };
      const include = { interaction: { include: { account: true } } } as const;
      const event = input.once
        ? (await db.routingEvent.createManyAndReturn({ data: [data], skipDuplicates: true, include }))[0]
        : await db.routingEvent.create({ data, include });
      if (!event) return null;
      const { account, ...interaction } = event.interaction;
      return { createdAt: event.createdAt, interaction, account };
    },
  };
}

export type RoutingEventStore = ReturnType<typeof createRoutingEventStore>;
