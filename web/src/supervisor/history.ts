/**
 * Routing history as sentences ("Offered to Alice — timed out after 30 s", "Accepted by Bob after 4 s",
 * "Transferred to queue Billing by Alice"), from an interaction's events in order. Pure: the names of agents, queues,
 * accounts and dispositions come in; an unknown event type reads as its words.
 */
export interface HistoryEvent {
  id: number;
  type: string;
  detail: Record<string, unknown>;
  createdAt: string;
}

export interface HistoryNames {
  agents: Map<number, string>;
  queues: Map<number, string>;
  accounts?: Map<number, string>;
  dispositions?: Map<number, string>;
}

const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const nums = (value: unknown): number[] => (Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : []);
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** "Alice", "Alice and Bob", "Alice, Bob and Carl". */
function listOf(names: string[]): string {
  if (names.length <= 1) return names[0] ?? 'nobody';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function seconds(from: string | undefined, to: string): string {
  if (!from) return '';
  const value = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  return value < 120 ? `${value} s` : `${Math.round(value / 60)} min`;
}

const STATES: Record<string, string> = {
  new: 'Routing started',
  'offered-to-assigned-agent': 'Offered to the agent who handles this customer',
  'offered-to-assigned-queue': "Offered to that agent's queue",
  'running-action-plan': 'Following the action plan',
  'waiting-for-agents': 'Waiting for a free agent',
  disposing: 'Waiting for a disposition',
  'joined-open-interaction': 'Joined an open interaction of the same thread',
  'ended-without-agent': 'Routing ended without an agent',
};

export function describeHistory(events: HistoryEvent[], names: HistoryNames): Array<HistoryEvent & { sentence: string }> {
  const agent = (id: number | null) => (id === null ? 'someone' : (names.agents.get(id) ?? `agent #${id}`));
  const queue = (id: number | null) => (id === null ? 'a queue' : (names.queues.get(id) ?? `#${id}`));
  const account = (id: number | null) => (id === null ? 'another account' : (names.accounts?.get(id) ?? `#${id}`));
  /** When each agent was last offered the interaction, for "after 4 s". */
  const offeredAt = new Map<number, string>();
  const sentence = (event: HistoryEvent): string => {
    const detail = event.detail;
    const inQueue = num(detail.queueId) === null ? '' : ` in queue ${queue(num(detail.queueId))}`;
    switch (event.type) {
      case 'offered': {
        const agentIds = nums(detail.agentIds);
        agentIds.forEach((id) => offeredAt.set(id, event.createdAt));
        const what = detail.source === 'transfer' ? 'Transfer offered' : 'Offered';
        // Routing's own state change says only where; the offers' event names whom.
        return agentIds.length === 0 ? `${what}${inQueue}` : `${what} to ${listOf(agentIds.map(agent))}${inQueue}`;
      }
      case 'offer-timeout': {
        const agentIds = nums(detail.agentIds);
        const after = seconds(agentIds.map((id) => offeredAt.get(id)).find(Boolean), event.createdAt);
        return `Offered to ${listOf(agentIds.map(agent))} — timed out${after ? ` after ${after}` : ''}`;
      }
      case 'accepted': {
        const id = num(detail.agentId);
        if (id === null) return 'Accepted';
        const after = seconds(offeredAt.get(id), event.createdAt);
        return `Accepted by ${agent(id)}${after ? ` after ${after}` : ''}`;
      }
      case 'agent-not-responding':
        return `${agent(num(detail.agentId))} paused as not responding`;
      case 'transfer-started': {
        const target = (detail.target ?? {}) as Record<string, unknown>;
        const by = agent(num(detail.fromAgentId));
        if (target.kind === 'agent') return `Transferred to ${agent(num(target.agentId))} by ${by}`;
        if (target.kind === 'queue') return `Transferred to queue ${queue(num(target.queueId))} by ${by}`;
        if (target.kind === 'account') return `Transferred to account ${account(num(target.accountId))} by ${by}`;
        return `Transfer started by ${by}`;
      }
      case 'transfer-returned':
        return `Transfer not taken: back to ${agent(num(detail.agentId))}${text(detail.reason) ? ` (${text(detail.reason)})` : ''}`;
      case 'transferred-to-account':
        return `Moved to account ${account(num(detail.toAccountId))}`;
      case 'transferring':
        return 'Being transferred';
      case 'closed': {
        const disposition = num(detail.dispositionId);
        const named = disposition === null ? null : (names.dispositions?.get(disposition) ?? `#${disposition}`);
        const actor = num(detail.actorId);
        return `Closed${actor === null ? '' : ` by ${agent(actor)}`}${named ? ` as ${named}` : ''}`;
      }
      case 'unassigned':
        return `Nobody took it: waiting unassigned${text(detail.reason) ? ` (${text(detail.reason)})` : ''}`;
      case 'picked-up':
        return `Picked up by ${agent(num(detail.agentId))}`;
      case 'routed-by-supervisor':
        return `Sent by ${num(detail.actorId) === null ? 'a service-level escalation' : agent(num(detail.actorId))} to ${detail.kind === 'queue' ? `queue ${queue(num(detail.queueId))}` : agent(num(detail.agentId))}`;
      case 'sla-warning':
        return `Service level at risk: ${text(detail.target) ?? 'a target'} is due ${text(detail.due) ?? 'soon'}`;
      case 'sla-breach':
        return `Service level breached: ${text(detail.target) ?? 'a target'} was due ${text(detail.due) ?? 'earlier'}`;
      case 'sla-email-failed':
        return `The escalation email was not sent${text(detail.reason) ? `: ${text(detail.reason)}` : ''}`;
      case 'sla-requeue-skipped':
        return `Not moved to the escalation queue${text(detail.reason) ? `: ${text(detail.reason)}` : ''}`;
      case 'routing-again':
        return 'The customer wrote again: routing again';
      case 'disposition-needed':
        return `Closing waits for a disposition from ${agent(num(detail.agentId))}`;
      case 'signal-refused':
        return `An operator's ${text(detail.signal) ?? 'signal'} was refused${text(detail.reason) ? `: ${text(detail.reason)}` : ''}`;
      case 'routing-ended':
        return `Routing ended without an agent${text(detail.reason) ? `: ${text(detail.reason)}` : ''}`;
      case 'message-added':
        return 'New message from the customer';
      case 'message-joined':
        return 'A new message joined this interaction';
      case 'note-added':
        return `Internal note by ${agent(num(detail.authorId))}`;
      case 'labels-changed': {
        const changes = [
          ...(Array.isArray(detail.tags) ? [`the tags to ${detail.tags.length ? detail.tags.join(', ') : 'none'}`] : []),
          ...(num(detail.priority) !== null ? [`the priority to ${num(detail.priority)}`] : []),
        ];
        return `${agent(num(detail.actorId))} set ${changes.join(' and ') || 'the tags'}`;
      }
      case 'reply-sent':
        return `Reply sent by ${agent(num(detail.agentId))}`;
      case 'forward-sent':
        return `Forwarded by ${agent(num(detail.agentId))}`;
      case 'transfer-sent':
        return 'Transfer email sent';
      case 'autoreply-sent':
        return 'Automatic reply sent';
      case 'autoreply-queued':
        return 'Automatic reply queued';
      case 'autoreply-skipped':
        return `Automatic reply skipped${text(detail.reason) ? `: ${text(detail.reason)}` : ''}`;
      case 'autoreply-failed':
        return `Automatic reply failed${text(detail.error) ? `: ${text(detail.error)}` : ''}`;
      case 'webhook-sent':
        return `Webhook answered${num(detail.status) === null ? '' : ` HTTP ${num(detail.status)}`}`;
      case 'webhook-failed':
        return `Webhook failed${text(detail.error) ? `: ${text(detail.error)}` : ''}`;
      case 'plan-step':
        return `Action plan step ${num(detail.step) ?? '?'}${text(detail.stepType) ? ` (${text(detail.stepType)})` : ''}`;
      case 'send-uncertain':
        return 'An email may or may not have been delivered: someone must decide';
      case 'send-resolved':
        return 'The uncertain email was settled';
      case 'sent-folder-append-failed':
        return 'Copy to the Sent folder failed';
      default:
        if (STATES[event.type]) return `${STATES[event.type]}${inQueue}`;
        return `${event.type.charAt(0).toUpperCase()}${event.type.slice(1).replace(/-/g, ' ')}`;
    }
  };
  return events.map((event) => ({ ...event, sentence: sentence(event) }));
}
