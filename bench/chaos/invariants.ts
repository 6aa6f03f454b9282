/**
 * What must hold after the chaos run, whatever the faults did: every email in the mailbox is exactly one inbound
 * interaction message; every accepted interaction has exactly one owner; every reply is sent exactly once
 * (counted at the SMTP capture), except one the platform reports `uncertain` (its worker died in the DATA phase:
 * sent at most once, and its agent told to decide, activities/smtp.ts); every routing workflow completed, or runs
 * waiting with a reason (its routing state); no pending offer outside a workflow's pending offers.
 */
import type { RoutingStatus } from '../../contracts/route-email';
import { routingStatusQuery } from '../../contracts/route-email';
import type { TestPlatform } from '../../tests/support/platform';
import type { Desk } from '../support/desk';

const REPLIES = 'every reply sent exactly once (an uncertain one at most once)';

export const INVARIANTS = [
  'every appended email is exactly one interaction message',
  'no message without an email',
  'every accepted interaction has exactly one owner',
  REPLIES,
  'every workflow completed or waiting with a reason',
  'no orphan offers',
];

export interface Violation {
  invariant: string;
  detail: string;
}

export async function checkInvariants(
  platform: TestPlatform,
  desk: Desk,
  mailbox: Array<{ uid: number; messageId?: string }>,
  sinkMessages: { messageId?: string; inReplyTo?: string }[],
  replied: Map<number, string>,
) {
  const violations: Violation[] = [];
  const violate = (invariant: string, detail: string) => violations.push({ invariant, detail });
  const { db, temporal } = platform;
  const accountId = desk.account.id;

  // 1. Every email in the mailbox is exactly one inbound interaction message.
  const inbound = await db.message.findMany({
    where: { accountId, direction: 'inbound' },
    select: { id: true, messageIdHeader: true, interactionId: true, workflowId: true },
  });
  const inboundById = new Map<string, number>();
  for (const message of inbound) inboundById.set(message.messageIdHeader ?? '', (inboundById.get(message.messageIdHeader ?? '') ?? 0) + 1);
  for (const email of mailbox) {
    const copies = inboundById.get(email.messageId ?? '') ?? 0;
    if (copies !== 1)
      violate('every appended email is exactly one interaction message', `${email.messageId} (UID ${email.uid}): ${copies} messages`);
  }
  const mailboxIds = new Set(mailbox.map((email) => email.messageId));
  for (const message of inbound)
    if (!mailboxIds.has(message.messageIdHeader ?? '')) violate('no message without an email', `message ${message.id}`);

  // 2. Every accepted interaction has exactly one owner.
  const accepted = await db.offer.findMany({
    where: { interaction: { accountId }, state: 'accepted' },
    select: { interactionId: true, userId: true },
  });
  const owners = new Map<number, Set<number>>();
  for (const offer of accepted) owners.set(offer.interactionId, (owners.get(offer.interactionId) ?? new Set()).add(offer.userId));
  const acceptedOffersPerInteraction = new Map<number, number>();
  for (const offer of accepted)
    acceptedOffersPerInteraction.set(offer.interactionId, (acceptedOffersPerInteraction.get(offer.interactionId) ?? 0) + 1);
  const interactions = await db.interaction.findMany({
    where: { accountId },
    select: { id: true, agentId: true, status: true, routingState: true },
  });
  for (const interaction of interactions) {
    const count = acceptedOffersPerInteraction.get(interaction.id) ?? 0;
    if (count > 1) violate('every accepted interaction has exactly one owner', `interaction ${interaction.id}: ${count} accepted offers`);
    const owner = [...(owners.get(interaction.id) ?? [])][0];
    if (count >= 1 && interaction.agentId !== owner) {
      violate(
        'every accepted interaction has exactly one owner',
        `interaction ${interaction.id}: held by ${interaction.agentId}, accepted by ${owner}`,
      );
    }
  }

  // 3. Every reply sent exactly once, counted at the SMTP capture; one reported uncertain at most once.
  const outbound = await db.outboundEmail.findMany({
    where: { accountId },
    select: { interactionId: true, messageIdHeader: true, status: true },
  });
  const atSink = new Map<string, number>();
  for (const email of sinkMessages) atSink.set(email.messageId ?? '', (atSink.get(email.messageId ?? '') ?? 0) + 1);
  for (const row of outbound) {
    const copies = atSink.get(row.messageIdHeader) ?? 0;
    if (row.status === 'uncertain' ? copies > 1 : copies !== 1)
      violate(REPLIES, `${row.messageIdHeader} (interaction ${row.interactionId}, ${row.status}): ${copies} at the SMTP capture`);
  }
  for (const [interactionId, messageIdHeader] of replied) {
    if ((atSink.get(messageIdHeader) ?? 0) !== 1) violate(REPLIES, `acknowledged reply of interaction ${interactionId} not captured once`);
  }
  const outboundIds = new Set(outbound.map((row) => row.messageIdHeader));
  for (const email of sinkMessages)
    if (!outboundIds.has(email.messageId ?? '')) violate(REPLIES, `unknown email ${email.messageId} at the capture`);
  // The agents reply once per interaction; only an uncertain reply is followed by a deliberate second one.
  const repliesPerInteraction = new Map<number, number>();
  for (const row of outbound)
    if (row.status !== 'uncertain') repliesPerInteraction.set(row.interactionId, (repliesPerInteraction.get(row.interactionId) ?? 0) + 1);
  for (const [interactionId, count] of repliesPerInteraction) {
    if (count > 1) violate(REPLIES, `interaction ${interactionId}: ${count} outbound replies besides uncertain ones`);
  }

  // 4. Every routing workflow completed, or runs waiting with a reason.
  const workflowStates = new Map<string, number>();
  const runningStates = new Map<string, number>();
  const pendingByWorkflow = new Map<string, Set<string>>();
  const WAITING = new Set([
    'waiting-for-agents',
    'offered',
    'offered-to-assigned-agent',
    'offered-to-assigned-queue',
    'accepted',
    'disposing',
    'transferring',
    'running-action-plan',
  ]);
  const workflowIds = [...new Set(inbound.map((message) => message.workflowId))];
  for (const message of inbound)
    if (!message.workflowId) violate('every workflow completed or waiting with a reason', `message ${message.id} has no routing workflow`);
  for (let start = 0; start < workflowIds.length; start += 25) {
    await Promise.all(
      workflowIds.slice(start, start + 25).map(async (workflowId) => {
        if (!workflowId) return;
        const handle = temporal.workflow.getHandle(workflowId);
        const description = await handle.describe().catch((error: Error) => ({ status: { name: `UNKNOWN (${error.message})` } }));
        const status = description.status.name;
        workflowStates.set(status, (workflowStates.get(status) ?? 0) + 1);
        if (status === 'RUNNING') {
          const routing = await handle.query<RoutingStatus>(routingStatusQuery).catch(() => null);
          const state = routing?.state ?? 'unanswered query';
          runningStates.set(state, (runningStates.get(state) ?? 0) + 1);
          if (!WAITING.has(state)) violate('every workflow completed or waiting with a reason', `${workflowId}: running in state ${state}`);
          pendingByWorkflow.set(workflowId, new Set((routing?.pendingOffers ?? []).map((offer) => offer.reservation)));
        } else if (status !== 'COMPLETED') {
          violate('every workflow completed or waiting with a reason', `${workflowId}: ${status}`);
        }
      }),
    );
  }
  const listed = await temporal.workflow
    .count(`WorkflowType = "routeEmail" AND MailrouteAccount = "${desk.account.key}"`)
    .catch(() => ({ count: -1 }));
  if (listed.count !== -1 && listed.count !== workflowIds.length) {
    violate(
      'every workflow completed or waiting with a reason',
      `Temporal lists ${listed.count} routing workflows for ${workflowIds.length} messages`,
    );
  }

  // 5. No orphan offers: every pending offer is one its running workflow is waiting on.
  const pendingOffers = await db.offer.findMany({
    where: { interaction: { accountId }, state: 'pending' },
    select: { id: true, workflowId: true, reservation: true },
  });
  for (const offer of pendingOffers) {
    if (!pendingByWorkflow.get(offer.workflowId)?.has(offer.reservation)) {
      violate(
        'no orphan offers',
        `offer ${offer.id} (${offer.workflowId} ${offer.reservation}) is pending but its workflow is not waiting on it`,
      );
    }
  }

  const statusCounts = new Map<string, number>();
  for (const interaction of interactions) statusCounts.set(interaction.status, (statusCounts.get(interaction.status) ?? 0) + 1);
  return {
    violations,
    counts: {
      'emails in the mailbox': mailbox.length,
      'inbound interaction messages': inbound.length,
      interactions: interactions.length,
      'interactions by status': Object.fromEntries(statusCounts),
      'accepted offers': accepted.length,
      'interactions with an owner': owners.size,
      'outbound replies (rows)': outbound.length,
      'outbound replies uncertain (resent by their agent)': outbound.filter((row) => row.status === 'uncertain').length,
      'replies at the SMTP capture': sinkMessages.length,
      'routing workflows': Object.fromEntries(workflowStates),
      'running workflows by routing state': Object.fromEntries(runningStates),
      'pending offers': pendingOffers.length,
    },
  };
}
