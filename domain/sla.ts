/**
 * Service-level policies: which policy measures an interaction, and what a routing run needs to time its targets
 * (the plan). Pure and sandbox-safe (no zod, no clock): the routing workflow imports it. The policy's shape and the
 * escalation actions' rules are in sla-schema.ts.
 */
import type { BusinessCalendar } from './calendar';

export const SLA_TARGETS = ['first-response', 'next-response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

export const SLA_LEVELS = ['warning', 'breach'] as const;
export type SlaLevel = (typeof SLA_LEVELS)[number];

/** What an escalation does, in the order its policy lists them. */
export type EscalationAction =
  | { kind: 'notify-supervisors' }
  /** Sets the interaction's priority (1 to 10) unless it is already that high. */
  | { kind: 'raise-priority'; priority: number }
  /** Carried out by the routing workflow: it sends the interaction to this queue. */
  | { kind: 'requeue'; queueId: number }
  | { kind: 'email'; to: string }
  | { kind: 'webhook'; url: string };

/** A policy as the account keeps it: conditions (an empty list matches any) and seconds per target. */
export interface SlaPolicyRules {
  id: number;
  name: string;
  position: number;
  calendarId: number | null;
  matchQueueIds: number[];
  matchPriorities: number[];
  matchTags: string[];
  firstResponseSeconds: number | null;
  nextResponseSeconds: number | null;
  resolutionSeconds: number | null;
  warningBeforeSeconds: number;
  pauseWhileWaitingOnCustomer: boolean;
  warningActions: EscalationAction[];
  breachActions: EscalationAction[];
}

/** What the routing workflow times for one interaction: the policy's targets, in its calendar (null: 24/7). */
export interface SlaPlan {
  policyId: number;
  policyName: string;
  calendar: BusinessCalendar | null;
  targets: { target: SlaTarget; seconds: number }[];
  warningBeforeSeconds: number;
  pauseWhileWaitingOnCustomer: boolean;
  warningActions: EscalationAction[];
  breachActions: EscalationAction[];
}

export interface SlaSubject {
  queueId: number | null;
  priority: number;
  tags: string[];
}

/** Whether a policy's conditions hold: each non-empty list must name the interaction's queue, priority, one of its tags. */
export function policyMatches(
  policy: Pick<SlaPolicyRules, 'matchQueueIds' | 'matchPriorities' | 'matchTags'>,
  subject: SlaSubject,
): boolean {
  if (policy.matchQueueIds.length > 0 && (subject.queueId === null || !policy.matchQueueIds.includes(subject.queueId))) return false;
  if (policy.matchPriorities.length > 0 && !policy.matchPriorities.includes(subject.priority)) return false;
  if (policy.matchTags.length > 0 && !policy.matchTags.some((tag) => subject.tags.includes(tag))) return false;
  return true;
}

/** The first policy by position (then id) whose conditions match; null when none does. */
export function choosePolicy<P extends Pick<SlaPolicyRules, 'id' | 'position' | 'matchQueueIds' | 'matchPriorities' | 'matchTags'>>(
  policies: readonly P[],
  subject: SlaSubject,
): P | null {
  const ordered = [...policies].sort((a, b) => a.position - b.position || a.id - b.id);
  return ordered.find((policy) => policyMatches(policy, subject)) ?? null;
}

/** The targets a policy measures (null seconds: not measured), in the order of SLA_TARGETS. */
export function measuredTargets(policy: Pick<SlaPolicyRules, 'firstResponseSeconds' | 'nextResponseSeconds' | 'resolutionSeconds'>) {
  const seconds: Record<SlaTarget, number | null> = {
    'first-response': policy.firstResponseSeconds,
    'next-response': policy.nextResponseSeconds,
    resolution: policy.resolutionSeconds,
  };
  return SLA_TARGETS.flatMap((target) => (seconds[target] === null ? [] : [{ target, seconds: seconds[target] }]));
}

/** The plan a routing run times from a chosen policy and its calendar's data. */
export function slaPlanOf(policy: SlaPolicyRules, calendar: BusinessCalendar | null): SlaPlan {
  return {
    policyId: policy.id,
    policyName: policy.name,
    calendar,
    targets: measuredTargets(policy),
    warningBeforeSeconds: policy.warningBeforeSeconds,
    pauseWhileWaitingOnCustomer: policy.pauseWhileWaitingOnCustomer,
    warningActions: policy.warningActions,
    breachActions: policy.breachActions,
  };
}

/** The queue a list of actions requeues to (the last one named), or null. */
export function requeueTarget(actions: readonly EscalationAction[]): number | null {
  let queueId: number | null = null;
  for (const action of actions) if (action.kind === 'requeue') queueId = action.queueId;
  return queueId;
}

/** A target's standing as the list and search show it. */
export const SLA_STATES = ['breached', 'at-risk', 'met', 'running'] as const;
export type SlaState = (typeof SLA_STATES)[number];
