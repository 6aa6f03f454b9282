/**
 * The routing vocabulary shared by workflows, activities and the API: routing states, offers, transfers and
 * what routing knows of an interaction. Sandbox-safe: no Node built-ins and no I/O, so workflow code imports it.
 */
import type { ActionPlan } from './action-plan-schema';

export const ROUTING_STATES = [
  'new',
  'offered-to-assigned-agent',
  'offered-to-assigned-queue',
  'running-action-plan',
  'offered',
  'waiting-for-agents',
  'accepted',
  'disposing',
  'transferring',
  'closed',
  'joined-open-interaction',
  'ended-without-agent',
  /** The plan could not place it: it waits, visibly, for an agent to pick it up or a supervisor to route it. */
  'unassigned',
] as const;
export type InteractionRoutingState = (typeof ROUTING_STATES)[number];

/** Reservation states, after Twilio TaskRouter. */
export const OFFER_STATES = ['pending', 'accepted', 'rejected', 'timeout', 'canceled', 'rescinded'] as const;
export type OfferState = (typeof OFFER_STATES)[number];

/** Everything routing needs to know, loaded once when the workflow starts (the plan version is pinned here). */
export interface RoutingContext {
  accountKey: string;
  waitForAssignedAgentSeconds: number;
  waitForAssignedQueueSeconds: number;
  mandatoryDisposition: boolean;
  dispositionPauseStatusId: number | null;
  transferTimeoutSeconds: number;
  /** What the account lets agents transfer to (absent in histories recorded before transfers existed). */
  transfer?: TransferRules;
  /** The agent who already handles this thread, if any. */
  assignedAgentId: number | null;
  /** Queues the assigned agent belongs to (among the account's queues). */
  assignedAgentQueueIds: number[];
  plan: ActionPlan;
  /** Facts the plan's conditions may test. */
  message: { from: string; to: string[]; cc: string[]; subject: string; body: string; headers: Record<string, string> };
  interaction: { tags: string[]; priority: number };
}

export interface TransferRules {
  enabled: boolean;
  toAgent: boolean;
  toQueue: boolean;
  toAccount: boolean;
}

/** The rules of the account an interaction belongs to that apply once an agent holds it. */
export type AccountRules = Pick<
  RoutingContext,
  'accountKey' | 'mandatoryDisposition' | 'dispositionPauseStatusId' | 'transferTimeoutSeconds' | 'transfer'
>;

/** An offer as the workflow knows it: its reservation name (e.g. `r3-a17`) and the agent. */
export interface OfferRef {
  reservation: string;
  agentId: number;
}

/** Where a holding agent transfers an interaction to. */
export type TransferTarget =
  { kind: 'agent'; agentId: number } | { kind: 'queue'; queueId: number } | { kind: 'account'; accountId: number };

/** What an offer came from. */
export type OfferSource = 'assigned-agent' | 'assigned-queue' | 'queue-step' | 'agent-step' | 'transfer' | 'default-queues' | 'supervisor';

/** The account settings that become its routing rules. */
export interface AccountRuleSettings {
  key: string;
  mandatoryDisposition: boolean;
  dispositionPauseStatusId: number | null;
  transferTimeoutSeconds: number;
  transferEnabled: boolean;
  transferToAgent: boolean;
  transferToQueue: boolean;
  transferToAccount: boolean;
}

/** Disposition and transfer rules of an account, as routing applies them to the interaction it holds. */
export function accountRulesOf(account: AccountRuleSettings): AccountRules {
  return {
    accountKey: account.key,
    mandatoryDisposition: account.mandatoryDisposition,
    dispositionPauseStatusId: account.dispositionPauseStatusId,
    transferTimeoutSeconds: account.transferTimeoutSeconds,
    transfer: {
      enabled: account.transferEnabled,
      toAgent: account.transferToAgent,
      toQueue: account.transferToQueue,
      toAccount: account.transferToAccount,
    },
  };
}

/**
 * What a routing run starts from when the database places its offers: the context without the message's text or
 * headers. The plan's conditions on the message are decided when it is loaded (`messageConditions`, by step index),
 * so a waiting workflow holds ids and booleans, never bodies.
 */
export interface RoutingStart extends Omit<RoutingContext, 'message'> {
  messageConditions: Record<number, boolean>;
  /**
   * Set when the account has no action plan: routing waits in all these queues at once (the account's queues) for
   * DEFAULT_QUEUES_SECONDS, then unassigned. Absent from runs that began before the default (they ran one step per queue).
   */
  defaultQueueIds?: number[];
}

/**
 * Waiting for someone to take it: its run waits unassigned, or (`ended-without-agent`) an older routing left it
 * without a run, which the worker's sweep gives back. Agents pick both up; supervisors route both.
 */
export const UNASSIGNED_STATES: readonly string[] = ['unassigned', 'ended-without-agent'];

export function isUnassigned(routingState: string): boolean {
  return UNASSIGNED_STATES.includes(routingState);
}

/** With no action plan, how long an interaction waits in the account's queues before it waits unassigned. */
export const DEFAULT_QUEUES_SECONDS = 3600;
/** How long an unassigned interaction a supervisor sent to a queue waits there before it is unassigned again. */
export const SUPERVISOR_QUEUE_SECONDS = 24 * 3600;
