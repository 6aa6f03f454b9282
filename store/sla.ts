/**
 * SLA policies, the targets measured per interaction, their escalations and the escalations' webhook deliveries.
 * An escalation is written in one transaction with everything it changes in the database (the target's warnedAt or
 * breachedAt, the raised priority, the outbox emails, the webhook deliveries, the routing event): its row is the
 * exactly-once key, so a second call changes nothing.
 */
import type { BusinessCalendar } from '../domain/calendar';
import type { OutboundEnvelope } from '../domain/outbound';
import type { EscalationAction, SlaLevel, SlaPolicyRules, SlaTarget } from '../domain/sla';
import type { SlaPolicyInput } from '../domain/sla-schema';
import { WEEKDAYS } from '../domain/calendar';
import type { Database } from './db';
import type { PageWindow } from './paging';

export interface SlaPolicyRow extends SlaPolicyRules {
  accountId: number;
  createdAt: Date;
  updatedAt: Date;
}

type PolicyRecord = Omit<SlaPolicyRow, 'warningActions' | 'breachActions'> & { warningActions: unknown; breachActions: unknown };

function toPolicy(row: PolicyRecord): SlaPolicyRow {
  return { ...row, warningActions: row.warningActions as EscalationAction[], breachActions: row.breachActions as EscalationAction[] };
}

export type SlaPolicyChanges = Partial<Omit<SlaPolicyInput, 'position'>> & { position?: number };

export interface EscalationWrite {
  interactionId: number;
  policyId: number | null;
  target: SlaTarget;
  cycle: number;
  level: SlaLevel;
  actions: EscalationAction[];
  at: Date;
  accountId: number;
  /** Set the interaction's priority to this unless it is already as high. */
  raisePriorityTo: number | null;
  emails: { messageIdHeader: string; envelope: OutboundEnvelope }[];
  webhooks: { url: string; idempotencyKey: string; body: object }[];
  event: { type: 'sla-warning' | 'sla-breach'; detail: Record<string, unknown>; once: string };
}

export interface WebhookDelivery {
  id: number;
  url: string;
  idempotencyKey: string;
  body: unknown;
  attempts: number;
}

export function createSlaStore(db: Database) {
  return {
    /** By position (first match first), or in the window a list page asks for. */
    async list(accountId: number, window?: PageWindow): Promise<SlaPolicyRow[]> {
      const rows = await db.slaPolicy.findMany({ where: { accountId }, orderBy: [{ position: 'asc' }, { id: 'asc' }], ...window });
      return rows.map(toPolicy);
    },

    async find(accountId: number, id: number): Promise<SlaPolicyRow | null> {
      const row = await db.slaPolicy.findFirst({ where: { id, accountId } });
      return row && toPolicy(row);
    },

    async findByName(accountId: number, name: string): Promise<SlaPolicyRow | null> {
      const row = await db.slaPolicy.findUnique({ where: { accountId_name: { accountId, name } } });
      return row && toPolicy(row);
    },

    /** The position after the account's last policy. */
    async nextPosition(accountId: number): Promise<number> {
      const last = await db.slaPolicy.aggregate({ where: { accountId }, _max: { position: true } });
      return (last._max.position ?? -1) + 1;
    },

    async create(accountId: number, input: SlaPolicyInput & { position: number }): Promise<SlaPolicyRow> {
      return toPolicy(await db.slaPolicy.create({ data: { accountId, ...input } }));
    },

    async update(id: number, changes: SlaPolicyChanges): Promise<SlaPolicyRow> {
      return toPolicy(await db.slaPolicy.update({ where: { id }, data: changes }));
    },

    async delete(id: number): Promise<void> {
      await db.slaPolicy.delete({ where: { id } });
    },

    /** Renumbers the account's policies in the order given (0, 1, …), in one transaction. */
    async reorder(accountId: number, ids: number[]): Promise<void> {
      await db.$transaction(ids.map((id, position) => db.slaPolicy.updateMany({ where: { id, accountId }, data: { position } })));
    },

    /** Which of these queue ids are the account's. */
    async accountQueueIds(accountId: number, queueIds: number[]): Promise<number[]> {
      if (queueIds.length === 0) return [];
      const rows = await db.accountQueue.findMany({ where: { accountId, queueId: { in: queueIds } }, select: { queueId: true } });
      return rows.map((row) => row.queueId);
    },

    /** What choosing a policy for an interaction reads: its account, queue, priority and tags; the account's policies. */
    async planSubject(interactionId: number) {
      const interaction = await db.interaction.findUnique({
        where: { id: interactionId },
        select: { accountId: true, queueId: true, priority: true, tags: true },
      });
      if (!interaction) return null;
      const policies = (
        await db.slaPolicy.findMany({ where: { accountId: interaction.accountId }, orderBy: [{ position: 'asc' }, { id: 'asc' }] })
      ).map(toPolicy);
      return { interaction, policies };
    },

    /** The calendar's rules, when it is one of the account's. */
    async calendar(accountId: number, id: number): Promise<BusinessCalendar | null> {
      const row = await db.businessCalendar.findFirst({ where: { id, accountId } });
      if (!row) return null;
      const hours = (row.hours ?? {}) as Partial<BusinessCalendar['hours']>;
      return {
        timeZone: row.timeZone,
        hours: Object.fromEntries(WEEKDAYS.map((day) => [day, hours[day] ?? []])) as BusinessCalendar['hours'],
        holidays: (row.holidays ?? []) as unknown as BusinessCalendar['holidays'],
      };
    },

    /** Starts a target's clock or moves its due time (a paused clock resumed); never touches what was recorded after. */
    async recordTarget(input: {
      interactionId: number;
      policyId: number | null;
      target: SlaTarget;
      cycle: number;
      startedAt: Date;
      dueAt: Date;
    }) {
      const { interactionId, target, cycle, policyId, startedAt, dueAt } = input;
      await db.interactionSla.upsert({
        where: { interactionId_target_cycle: { interactionId, target, cycle } },
        create: { interactionId, target, cycle, policyId, startedAt, dueAt },
        update: { policyId, dueAt },
      });
    },

    /** The target was met (breached or not): the first time counts. */
    async recordMet(input: { interactionId: number; target: SlaTarget; cycle: number; metAt: Date }): Promise<void> {
      await db.interactionSla.updateMany({
        where: { interactionId: input.interactionId, target: input.target, cycle: input.cycle, metAt: null },
        data: { metAt: input.metAt },
      });
    },

    findTarget(interactionId: number, target: SlaTarget, cycle: number) {
      return db.interactionSla.findUnique({ where: { interactionId_target_cycle: { interactionId, target, cycle } } });
    },

    targets(interactionId: number) {
      return db.interactionSla.findMany({ where: { interactionId }, orderBy: [{ target: 'asc' }, { cycle: 'asc' }] });
    },

    /** What an escalation names: the interaction and its account. */
    escalationSubject(interactionId: number) {
      return db.interaction.findUnique({
        where: { id: interactionId },
        select: {
          id: true,
          accountId: true,
          subject: true,
          customerEmail: true,
          priority: true,
          queueId: true,
          account: { select: { key: true, name: true, emailAddress: true } },
        },
      });
    },

    /**
     * Writes the escalation and all it changes, once: `created` false when it was written before (nothing changes
     * then). The outbox ids are the emails' either way, so a retried call answers as the first did.
     */
    async escalate(input: EscalationWrite): Promise<{ created: boolean; outboundIds: number[]; eventAt: Date | null }> {
      return db.$transaction(async (tx) => {
        const { interactionId, target, cycle, level } = input;
        const inserted = await tx.slaEscalation.createManyAndReturn({
          data: [{ interactionId, target, cycle, level, actions: input.actions }],
          skipDuplicates: true,
          select: { id: true },
        });
        const escalation = inserted[0];
        if (!escalation) {
          const rows = await tx.outboundEmail.findMany({
            where: { messageIdHeader: { in: input.emails.map((email) => email.messageIdHeader) } },
            select: { id: true, messageIdHeader: true },
          });
          const byHeader = new Map(rows.map((row) => [row.messageIdHeader, row.id]));
          return { created: false, outboundIds: input.emails.flatMap((email) => byHeader.get(email.messageIdHeader) ?? []), eventAt: null };
        }
        await tx.interactionSla.updateMany({
          where: { interactionId, target, cycle, ...(level === 'warning' ? { warnedAt: null } : { breachedAt: null }) },
          data: level === 'warning' ? { warnedAt: input.at } : { breachedAt: input.at },
        });
        if (input.raisePriorityTo !== null) {
          const priority = input.raisePriorityTo;
          await tx.interaction.updateMany({ where: { id: interactionId, priority: { lt: priority } }, data: { priority } });
          // A raised priority counts in the queue's line at once.
          await tx.routingWait.updateMany({ where: { interactionId, priority: { lt: priority } }, data: { priority } });
        }
        const outboundIds: number[] = [];
        for (const email of input.emails) {
          const row = await tx.outboundEmail.create({
            data: {
              interactionId,
              accountId: input.accountId,
              kind: 'escalation',
              messageIdHeader: email.messageIdHeader,
              envelope: email.envelope as object,
            },
            select: { id: true },
          });
          outboundIds.push(row.id);
        }
        if (input.webhooks.length > 0)
          await tx.slaWebhookDelivery.createMany({ data: input.webhooks.map((webhook) => ({ ...webhook, escalationId: escalation.id })) });
        const event = await tx.routingEvent.create({
          data: { interactionId, type: input.event.type, detail: input.event.detail as object, onceKey: input.event.once },
          select: { createdAt: true },
        });
        return { created: true, outboundIds, eventAt: event.createdAt };
      });
    },

    escalations(interactionId: number) {
      return db.slaEscalation.findMany({ where: { interactionId }, include: { webhooks: true }, orderBy: { id: 'asc' } });
    },

    /**
     * Takes up to `limit` webhook deliveries that are due, leasing each for `leaseMs` (a deliverer that dies lets its
     * rows come due again after the lease); concurrent deliverers never take the same row.
     */
    async claimDueWebhooks(now: Date, limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
      return db.$queryRaw<WebhookDelivery[]>`
        UPDATE "sla_webhook_deliveries" SET "nextAttemptAt" = ${new Date(now.getTime() + leaseMs)}
        WHERE id IN (
          SELECT id FROM "sla_webhook_deliveries" WHERE state = 'pending' AND "nextAttemptAt" <= ${now}
          ORDER BY "nextAttemptAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING id, url, "idempotencyKey", body, attempts`;
    },

    async webhookDelivered(id: number, status: number, at: Date): Promise<void> {
      await db.slaWebhookDelivery.update({
        where: { id },
        data: { state: 'delivered', attempts: { increment: 1 }, lastStatus: status, lastError: null, deliveredAt: at },
      });
    },

    /** A failed attempt: tried again at `retryAt`, or never again (null) after a 4xx or too many attempts. */
    async webhookFailed(id: number, result: { status: number | null; error: string; retryAt: Date | null }): Promise<void> {
      await db.slaWebhookDelivery.update({
        where: { id },
        data: {
          attempts: { increment: 1 },
          lastStatus: result.status,
          lastError: result.error.slice(0, 1000),
          ...(result.retryAt ? { nextAttemptAt: result.retryAt } : { state: 'failed' }),
        },
      });
    },
  };
}

export type SlaStore = ReturnType<typeof createSlaStore>;
