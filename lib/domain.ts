/**
 * Domain types shared by workflows, activities and the API. Sandbox-safe: no Node built-ins and no I/O,
 * so workflow code may import it. Validation schemas for these shapes live in lib/schemas.ts.
 */

export type InteractionRoutingState =
  | 'new'
  | 'offered-to-assigned-agent'
  | 'offered-to-assigned-queue'
  | 'running-action-plan'
  | 'offered'
  | 'waiting-for-agents'
  | 'accepted'
  | 'disposing'
  | 'transferring'
  | 'closed'
  | 'joined-open-interaction'
  | 'ended-without-agent';

/** Reservation states, after Twilio TaskRouter. */
export type OfferState = 'pending' | 'accepted' | 'rejected' | 'timeout' | 'canceled' | 'rescinded';

export type QueueStrategy = 'beepall' | 'rrmemory' | 'leastrecent' | 'fewestcalls' | 'random';

/** One step of an account's action plan (XCALLY's "applications"). */
export type ActionStep =
  | { type: 'queue'; queueId: number; timeoutSeconds: number; label?: string }
  | { type: 'agent'; agentId: number; timeoutSeconds: number; label?: string }
  | { type: 'autoreply'; template: string; mode: 'always' | 'once-per-sender' | 'first-message'; replyAll: boolean; label?: string }
  | { type: 'close'; dispositionId?: number; label?: string }
  | { type: 'noop'; label?: string }
  | { type: 'gotoif'; condition: PlanCondition; then: string; else?: string; label?: string }
  | { type: 'gotop'; schedule: WorkingSchedule; then: string; else?: string; label?: string }
  | { type: 'tag'; tags: string[]; label?: string }
  | { type: 'priority'; priority: number; label?: string }
  | { type: 'webhook'; url: string; timeoutSeconds: number; label?: string };

export interface PlanCondition {
  field: 'from' | 'to' | 'cc' | 'subject' | 'body' | 'header' | 'tags' | 'priority';
  header?: string;
  operator: 'equals' | 'contains' | 'startsWith' | 'endsWith' | 'matches' | 'greaterThan' | 'lessThan' | 'isEmpty';
  value?: string;
}

export interface WorkingSchedule {
  timezone: string;
  /** e.g. { days: [1,2,3,4,5], from: '09:00', to: '18:00' } */
  intervals: Array<{ days: number[]; from: string; to: string }>;
  /** ISO dates (YYYY-MM-DD) in the schedule's time zone that are never working time. */
  holidays: string[];
}

export interface ActionPlan {
  version: number;
  steps: ActionStep[];
}

/** What the routing workflow starts from. Ids only: never MIME, never personal data. */
export interface RouteEmailInput {
  accountId: number;
  accountKey: string;
  interactionId: number;
  messageId: number;
}

/** Everything routing needs to know, loaded once when the workflow starts (the plan version is pinned here). */
export interface RoutingContext {
  accountKey: string;
  waitForAssignedAgentSeconds: number;
  waitForAssignedQueueSeconds: number;
  mandatoryDisposition: boolean;
  dispositionPauseStatusId: number | null;
  transferTimeoutSeconds: number;
  /** What the account lets agents transfer to (absent in histories recorded before transfers existed). */
  transfer?: { enabled: boolean; toAgent: boolean; toQueue: boolean; toAccount: boolean };
  /** The agent who already handles this thread, if any. */
  assignedAgentId: number | null;
  /** Queues the assigned agent belongs to (among the account's queues). */
  assignedAgentQueueIds: number[];
  plan: ActionPlan;
  /** Facts the plan's conditions may test. */
  message: { from: string; to: string[]; cc: string[]; subject: string; body: string; headers: Record<string, string> };
  interaction: { tags: string[]; priority: number };
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

export interface RoutingStatus {
  state: InteractionRoutingState;
  interactionId: number;
  messageId: number;
  planVersion: number | null;
  planStep: number | null;
  holderAgentId: number | null;
  queueId: number | null;
  pendingOffers: OfferRef[];
  endReason: string | null;
}

/** Where a holding agent transfers an interaction to. */
export type TransferTarget =
  { kind: 'agent'; agentId: number } | { kind: 'queue'; queueId: number } | { kind: 'account'; accountId: number };

/** An attachment of an outbound email: the API stores its bytes as a blob first, so only the name travels. */
export interface OutboundAttachment {
  filename: string;
  contentType: string;
  sha256: string;
  size: number;
}

export interface EmailAddress {
  name?: string;
  address: string;
}

/** What the holding agent asks to send: their words, a canned answer, attachments (idempotent per requestId). */
export interface OutboundRequest {
  agentId: number;
  requestId: string;
  text: string;
  html?: string;
  cannedAnswerId?: number;
  attachments?: OutboundAttachment[];
}

/** A forward: the same, to new recipients, with the previous message when asked (or by the account's default). */
export interface ForwardRequest extends OutboundRequest {
  to: EmailAddress[];
  cc?: EmailAddress[];
  includePreviousMessage?: boolean;
}
