/**
 * The routing workflow's service-level activities (all database work, milliseconds each): which policy measures the
 * interaction, recording each target's clock and when it was met, and escalating a warning or breach exactly once
 * (services/sla-escalations.ts says how). Instants travel as ISO strings (Temporal's payloads are JSON); a Date works too.
 */
import { choosePolicy, slaPlanOf, type EscalationAction, type SlaLevel, type SlaPlan, type SlaTarget } from '../domain/sla';
import type { SlaEscalations } from '../services/sla-escalations';
import type { Store } from '../store';
import { found } from './failures';

export interface SlaActivityDeps {
  store: Pick<Store, 'sla'>;
  escalations: SlaEscalations;
}

type Instant = string | Date;

export function createSlaActivities({ store, escalations }: SlaActivityDeps) {
  return {
    /** The account's policy for the interaction as it is now (queue, priority, tags), its calendar inlined; null: none matches. */
    async loadSlaPlan(input: { interactionId: number }): Promise<SlaPlan | null> {
      const { interaction, policies } = found(await store.sla.planSubject(input.interactionId), `interaction ${input.interactionId}`);
      const policy = choosePolicy(policies, interaction);
      if (!policy) return null;
      // A calendar deleted since the policy was saved measures around the clock rather than not at all.
      const calendar = policy.calendarId === null ? null : await store.sla.calendar(interaction.accountId, policy.calendarId);
      return slaPlanOf(policy, calendar);
    },

    /** Starts a target's clock, or moves its due time (a paused clock that resumed). */
    async recordSlaTarget(input: {
      interactionId: number;
      policyId: number | null;
      target: SlaTarget;
      cycle: number;
      startedAt: Instant;
      dueAt: Instant;
    }): Promise<void> {
      await store.sla.recordTarget({ ...input, startedAt: new Date(input.startedAt), dueAt: new Date(input.dueAt) });
    },

    /** A warning or breach: its actions carried out once however often this is called; `requeueTo` is the workflow's to do. */
    async escalateSla(input: {
      interactionId: number;
      policyId: number | null;
      target: SlaTarget;
      cycle: number;
      level: SlaLevel;
      actions: EscalationAction[];
      at: Instant;
    }): Promise<{ requeueTo: number | null; outboundIds: number[] }> {
      return escalations.escalate({ ...input, at: new Date(input.at) });
    },

    /** The target was met (breached or not); the first time counts. */
    async recordSlaMet(input: { interactionId: number; target: SlaTarget; cycle: number; metAt: Instant }): Promise<void> {
      await store.sla.recordMet({ ...input, metAt: new Date(input.metAt) });
    },
  };
}

/** The activities' types, for the routing workflow's proxies. */
export type SlaActivities = ReturnType<typeof createSlaActivities>;
