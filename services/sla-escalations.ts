/**
 * An SLA warning or breach, escalated exactly once as users see it. Everything the escalation changes in the
 * database is written in one transaction with its row (store/sla.ts escalate): the target's warnedAt/breachedAt, the
 * raised priority, the supervisor emails (outbox rows, sent once by the SMTP activity the workflow runs on them),
 * the webhook deliveries (POSTed with a stable Idempotency-Key by services/sla-webhooks.ts) and the routing event.
 * A retried call, or one after a worker died mid-way, finds the row, changes nothing and answers as the first did.
 * What lies outside the database happens after the commit, once: the live event to supervisors' views and desks,
 * and the breach counted in the metrics (a worker that dies between the commit and these loses only the hint;
 * the routing event and the row are the record).
 */
import { createHash } from 'node:crypto';
import { NotFoundError } from '../domain/errors';
import type { EventBus } from '../domain/live-events';
import type { OutboundEnvelope } from '../domain/outbound';
import { requeueTarget, type EscalationAction, type SlaLevel, type SlaTarget } from '../domain/sla';
import type { PlatformMetrics } from '../platform/metrics';
import type { SlaStore } from '../store/sla';

export interface EscalateInput {
  interactionId: number;
  policyId: number | null;
  target: SlaTarget;
  cycle: number;
  level: SlaLevel;
  actions: EscalationAction[];
  /** When the warning or breach happened (the workflow's timer). */
  at: Date;
}

export interface EscalateResult {
  /** The queue to send the interaction to (a requeue action): the routing workflow does it. */
  requeueTo: number | null;
  /** The supervisor emails written to the outbox, for the workflow to send (sendOutbound is at-most-once per row). */
  outboundIds: number[];
}

const TARGET_WORDS: Record<SlaTarget, string> = {
  'first-response': 'first response',
  'next-response': 'next response',
  resolution: 'resolution',
};

/** The name one escalation's n-th action goes by: in Message-IDs, Idempotency-Keys and the routing event's once key. */
export function escalationKey(input: Pick<EscalateInput, 'interactionId' | 'target' | 'cycle' | 'level'>): string {
  return `sla-${input.level}-${input.interactionId}-${input.target}-${input.cycle}`;
}

function messageIdOf(key: string, index: number, accountEmail: string): string {
  const domain = accountEmail.split('@')[1] ?? 'mailroute.invalid';
  const digest = createHash('sha256').update(`${key}:${index}`).digest('hex').slice(0, 24);
  return `<mailroute.sla.${digest}@${domain}>`;
}

export function createSlaEscalations(deps: {
  store: Pick<SlaStore, 'escalate' | 'escalationSubject' | 'findTarget'>;
  events: Pick<EventBus, 'publish'>;
  metrics: Pick<PlatformMetrics, 'slaBreached'>;
  /** Told when new webhook deliveries were written (the deliverer sends them at once instead of at its next round). */
  onWebhooks?: () => void;
}) {
  return {
    async escalate(input: EscalateInput): Promise<EscalateResult> {
      const interaction = await deps.store.escalationSubject(input.interactionId);
      if (!interaction) throw new NotFoundError(`interaction ${input.interactionId}`);
      const measured = await deps.store.findTarget(input.interactionId, input.target, input.cycle);
      const dueAt = (measured?.dueAt ?? input.at).toISOString();
      const key = escalationKey(input);
      const { account } = interaction;
      const what = `${TARGET_WORDS[input.target]}${input.target === 'next-response' ? ` #${input.cycle}` : ''}`;
      const headline =
        input.level === 'breach'
          ? `SLA breached: ${what} of interaction #${interaction.id} was due ${dueAt}`
          : `SLA at risk: ${what} of interaction #${interaction.id} is due ${dueAt}`;

      const emails = input.actions.flatMap((action, index) => {
        if (action.kind !== 'email') return [];
        const messageIdHeader = messageIdOf(key, index, account.emailAddress);
        const envelope: OutboundEnvelope = {
          from: { name: account.name, address: account.emailAddress },
          to: [{ address: action.to }],
          cc: [],
          subject: `[${input.level === 'breach' ? 'SLA breach' : 'SLA warning'}] #${interaction.id} ${interaction.subject}`.slice(0, 250),
          text: [
            headline,
            '',
            `Account: ${account.name} (${account.key})`,
            `Customer: ${interaction.customerEmail}`,
            `Subject: ${interaction.subject}`,
            `Due: ${dueAt}`,
          ].join('\n'),
          messageId: messageIdHeader,
          references: [],
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Mailroute-Interaction': String(interaction.id) },
        };
        return [{ messageIdHeader, envelope }];
      });
      const webhooks = input.actions.flatMap((action, index) =>
        action.kind === 'webhook'
          ? [
              {
                url: action.url,
                idempotencyKey: `${key}-${index}`,
                body: {
                  event: input.level === 'breach' ? 'sla.breach' : 'sla.warning',
                  interaction: { id: interaction.id, subject: interaction.subject, customerEmail: interaction.customerEmail },
                  account: { id: interaction.accountId, key: account.key },
                  target: input.target,
                  cycle: input.cycle,
                  level: input.level,
                  dueAt,
                  at: input.at.toISOString(),
                },
              },
            ]
          : [],
      );
      const raises = input.actions.flatMap((action) => (action.kind === 'raise-priority' ? [action.priority] : []));
      const type = input.level === 'breach' ? ('sla-breach' as const) : ('sla-warning' as const);
      const detail = { target: input.target, cycle: input.cycle, due: dueAt, policyId: input.policyId };

      const written = await deps.store.escalate({
        ...input,
        accountId: interaction.accountId,
        raisePriorityTo: raises.length > 0 ? Math.max(...raises) : null,
        emails,
        webhooks,
        event: { type, detail, once: key },
      });
      const result = { requeueTo: requeueTarget(input.actions), outboundIds: written.outboundIds };
      if (!written.created) return result;

      if (input.level === 'breach') deps.metrics.slaBreached(account.key, input.target);
      if (webhooks.length > 0) deps.onWebhooks?.();
      const notify = input.actions.some((action) => action.kind === 'notify-supervisors');
      await deps.events.publish({
        kind: 'routing',
        accountId: interaction.accountId,
        interactionId: interaction.id,
        type,
        detail: { ...detail, ...(notify ? { notifySupervisors: true, text: headline } : {}) },
        at: (written.eventAt ?? input.at).toISOString(),
      });
      return result;
    },
  };
}

export type SlaEscalations = ReturnType<typeof createSlaEscalations>;
