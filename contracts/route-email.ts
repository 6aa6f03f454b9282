/**
 * The routing workflow's contract, for everyone who starts it, messages it or reads it: its id scheme, its input
 * and result, and its updates, signals and query. Sandbox-safe (the workflow imports it too).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ForwardRequest, ReplyRequest } from '../domain/email';
import type { InteractionRoutingState, OfferRef, TransferTarget } from '../domain/routing';

/**
 * Workflow ids an operator can read in the Temporal Web UI. They carry the account key and the message's
 * mailbox identity (never addresses or subjects), so a second start for the same email is the same id.
 */
export function routingWorkflowId(input: {
  accountKey: string;
  uidValidity: bigint | number | string;
  uid: bigint | number | string;
  /** A re-download ("disable duplicate check") is routed again under the MODSEQ of its unread state. */
  redownloadModseq?: bigint | number | string | null;
}): string {
  const base = `route-${input.accountKey}-uv${input.uidValidity}-uid${input.uid}`;
  return input.redownloadModseq == null ? base : `${base}-m${input.redownloadModseq}`;
}

/** What the routing workflow starts from. Ids only: never MIME, never personal data. */
export interface RouteEmailInput {
  accountId: number;
  accountKey: string;
  interactionId: number;
  messageId: number;
  /**
   * Set for an interaction an older routing left without a run (it ended without an agent): the new run waits
   * unassigned at once, with this as the reason, instead of routing the old message again.
   */
  resumeUnassigned?: string;
  /**
   * Set for an email an agent started (a new outbound interaction): the run begins held by this agent, skipping the
   * offers and the plan, and carries replies, transfers and the close like any held interaction. `messageId` is 0:
   * no customer message exists yet.
   */
  heldBy?: number;
  /**
   * With `heldBy`: the run sends the agent's first email itself (kept with the interaction's start), so it goes out
   * even when the request that started it is gone. Runs begun before this sent it by a `reply` update from the API.
   */
  sendsFirstEmail?: boolean;
}

/** The run of an interaction an agent started by writing to a customer. */
export function outboundWorkflowId(input: { accountKey: string; interactionId: number }): string {
  return `outbound-${input.accountKey}-${input.interactionId}`;
}

/** The run that gives an interaction left without one its routing back, waiting unassigned. */
export function unassignedWorkflowId(input: { accountKey: string; interactionId: number }): string {
  return `unassigned-${input.accountKey}-i${input.interactionId}`;
}

export interface RouteEmailResult {
  state: InteractionRoutingState;
  agentId: number | null;
  reason: string;
}

/** What the routingStatus query answers: where routing stands and who holds pending offers. */
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

/**
 * Offers, two ways. Runs that recorded the `database-placement` patch (every run started now) are told by signals:
 * the database places and decides (an accept is one compare-and-set, answered in milliseconds without waiting for a
 * worker) and the workflow keeps the timers and the story. Older runs decide themselves, through the updates below.
 */
/** A placed offer as the workflow tracks it: its name, its agent, and when it expires (epoch milliseconds). */
export interface OfferNotice {
  reservation: string;
  agentId: number;
  expiresAt: number;
}
/** The dispatcher offered the waiting interaction to agents who had room. */
export const offersMadeSignal = defineSignal<[{ offers: OfferNotice[]; queueId: number | null }]>('offersMade');
/** An agent's accept won (decided in the database): they hold the interaction. */
export const offerAcceptedSignal = defineSignal<[{ reservation: string; agentId: number }]>('offerAccepted');
/** An agent declined the offer: routing moves on at once. */
export const offerDeclinedSignal = defineSignal<[{ reservation: string; agentId: number }]>('offerDeclined');
/** Offers taken back by the platform (the agent paused or went offline, or the offer outlived its time). */
export const offersWithdrawnSignal = defineSignal<[{ reservations: string[]; agentId: number | null; reason: string }]>('offersWithdrawn');

/** An agent takes an offer (runs without the database-placement patch). Exactly one accept wins; the validator refuses the others (HTTP 409). */
export const acceptOfferUpdate = defineUpdate<{ interactionId: number }, [{ reservation: string; agentId: number }]>('acceptOffer');
/** An agent declines an offer; routing moves on at once. */
export const rejectOfferUpdate = defineUpdate<void, [{ reservation: string; agentId: number }]>('rejectOffer');
/**
 * Start-to-close timeout of one send attempt, 1–120 s (default 120). The API never sets it; tests use a short one
 * to prove that an attempt timed out after the server's 250 does not send a second email.
 */
interface SendTiming {
  sendTimeoutSeconds?: number;
}
/** The holding agent replies to the customer; resolves once the SMTP server accepted the message. */
export const replyUpdate = defineUpdate<{ outboundId: number; messageIdHeader: string }, [ReplyRequest & SendTiming]>('reply');
/** The holding agent forwards the interaction to other recipients; resolves once the SMTP server accepted it. */
export const forwardUpdate = defineUpdate<{ outboundId: number; messageIdHeader: string }, [ForwardRequest & SendTiming]>('forward');
/** Who closes the interaction, and with which disposition (required when the account says so). */
export interface CloseRequest {
  actorId: number;
  dispositionId?: number;
  asSupervisor?: boolean;
}
/** What a close answers: closed, or still open until the disposition the account requires arrives. */
export type CloseAnswer = { state: 'closed' } | { state: 'disposing'; needs: 'disposition'; message: string };
/** The holding agent (or a supervisor) closes the interaction, with a disposition when the account requires one. */
export const closeUpdate = defineUpdate<CloseAnswer, [CloseRequest]>('close');
/**
 * The holding agent (or a supervisor) transfers the interaction to an agent, a queue or another account. The
 * transferee has the account's transfer timeout to accept; otherwise it returns to the transferring agent, unread.
 */
export interface TransferRequest {
  actorId: number;
  asSupervisor?: boolean;
  target: TransferTarget;
  /** A supervisor reassigns to an agent: allowed whatever the account's transfer settings. */
  reassign?: boolean;
}
export const transferUpdate = defineUpdate<{ state: 'transferring' }, [TransferRequest]>('transfer');
/**
 * The same transfer and close as signals, for operators acting from the Temporal Web UI or CLI: validated as the
 * updates are; a refused one leaves a `signal-refused` routing event with the reason instead of an answer.
 */
export const transferSignal = defineSignal<[TransferRequest]>('transfer');
export const closeSignal = defineSignal<[CloseRequest]>('close');
/** An agent of the account takes an interaction that waits unassigned; exactly one pick-up wins (HTTP 409 for others). */
export const pickUpUpdate = defineUpdate<{ state: 'accepted' }, [{ agentId: number }]>('pickUp');
/** Where a supervisor sends an unassigned interaction: a queue of the account, or one of its agents. */
export type UnassignedTarget = { kind: 'queue'; queueId: number } | { kind: 'agent'; agentId: number };
/** A supervisor sends an unassigned interaction to a queue or an agent; if nobody takes it, it waits unassigned again. */
export const routeUnassignedUpdate = defineUpdate<{ state: 'routing' }, [{ actorId: number; target: UnassignedTarget }]>('routeUnassigned');
/** Offers of an agent who paused or went offline are taken back. */
export const agentUnavailableSignal = defineSignal<[{ agentId: number }]>('agentUnavailable');
/** An agent became available: a workflow waiting for agents looks again at once. */
export const agentsAvailableSignal = defineSignal('agentsAvailable');
/** A new message arrived on an interaction this workflow routes: it goes to the holder, without a new queue race. */
export const messageAddedSignal = defineSignal<[{ messageId: number; fromWorkflowId: string }]>('messageAdded');
export const routingStatusQuery = defineQuery<RoutingStatus>('routingStatus');
