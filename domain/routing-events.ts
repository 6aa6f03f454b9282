/**
 * The routing event log's vocabulary: every step routing (or an agent's desk) records on an interaction. The log is
 * what supervisors read and what live views are told; a type not listed here is never written.
 */
import type { InteractionRoutingState } from './routing';

export type RoutingEventType =
  /** Routing entered a state (setRoutingState records the state's name). */
  | InteractionRoutingState
  | 'message-joined'
  | 'message-added'
  | 'offer-timeout'
  | 'agent-not-responding'
  | 'routing-ended'
  | 'plan-step'
  | 'autoreply-queued'
  | 'autoreply-skipped'
  | 'autoreply-sent'
  | 'autoreply-failed'
  | 'webhook-sent'
  | 'webhook-failed'
  | 'reply-sent'
  | 'forward-sent'
  | 'sent-folder-append-failed'
  /** A reply, forward or autoreply whose delivery is unknown (its worker died while the SMTP server had it). */
  | 'send-uncertain'
  /** An uncertain email settled: found in the Sent folder, marked sent, discarded, or resent. */
  | 'send-resolved'
  /** An email mailroute sent could not be delivered: the bounce was added to its interaction. */
  | 'bounced'
  /** An agent started the interaction by writing to a customer (a new outbound email); it is theirs from the start. */
  | 'outbound-started'
  | 'transfer-started'
  | 'transferred-to-account'
  | 'transfer-returned'
  | 'note-added'
  /** Someone set the interaction's tags or priority by hand (detail: actorId, and the tags or priority as now). */
  | 'labels-changed'
  /** An agent of the account took an unassigned interaction. */
  | 'picked-up'
  /** A supervisor sent an unassigned interaction to a queue or an agent. */
  | 'routed-by-supervisor'
  /** The customer wrote again while it waited unassigned: routing runs again. */
  | 'routing-again'
  /** A close asked without the disposition the account requires: the holder is asked for it. */
  | 'disposition-needed'
  /** An SLA target is about to be missed (warning) or was missed (breach): detail target, cycle, due, policyId. */
  | 'sla-warning'
  | 'sla-breach'
  /** An escalation's requeue was not carried out: the interaction was still being offered (detail: reason). */
  | 'sla-requeue-skipped'
  /** An escalation's email to a supervisor could not be sent: detail target, level, outboundId, reason. */
  | 'sla-email-failed'
  /** A transfer or close sent as a signal (an operator's Temporal Web UI or CLI) was refused: the reason. */
  | 'signal-refused';

/** One event to record on an interaction's log. */
export interface RoutingEventInput {
  interactionId: number;
  messageId?: number | null;
  workflowId?: string | null;
  type: RoutingEventType;
  detail?: Record<string, unknown>;
  /** For events the holder's desk announces (a new message on their interaction): carries the desk notification. */
  notify?: boolean;
  /** An event that happens once per thing (one outbound email sent): recording it again with this key does nothing. */
  once?: string;
}
