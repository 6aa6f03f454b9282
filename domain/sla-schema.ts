/**
 * An SLA policy's shape and its escalation actions (domain/sla.ts decides with them). Kept apart from sla.ts so
 * that workflow code, which imports the plan's types and functions, does not bundle zod.
 */
import { z } from 'zod';
import { dbId, emailAddress, nonBlank } from './fields';
import type { EscalationAction } from './sla';

/** An interaction's priority, as the interaction routes know it (0 is every new interaction's: raising to it does nothing). */
export const SLA_PRIORITY = { min: 1, max: 100 } as const;

/** Only http and https: an escalation never posts to a file:, ftp: or javascript: address. */
export const webhookUrl = () =>
  z
    .string()
    .max(2048)
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, 'must be an http or https URL')
    .meta({ format: 'uri', pattern: '^https?://' });

export const escalationActionSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('notify-supervisors') }).strict(),
    z.object({ kind: z.literal('raise-priority'), priority: z.number().int().min(SLA_PRIORITY.min).max(SLA_PRIORITY.max) }).strict(),
    z.object({ kind: z.literal('requeue'), queueId: dbId }).strict(),
    z.object({ kind: z.literal('email'), to: emailAddress() }).strict(),
    z.object({ kind: z.literal('webhook'), url: webhookUrl() }).strict(),
  ])
  .meta({ id: 'EscalationAction' }) satisfies z.ZodType<EscalationAction>;

const actions = z.array(escalationActionSchema).max(10).default([]);
/** Up to a year: a target measured in seconds of business time. */
const targetSeconds = z.number().int().min(1).max(31_536_000).nullable().default(null);

/** A policy as an account keeps it (the API's create body). */
export const slaPolicyFields = {
  name: nonBlank(100),
  /** Lower first; the first policy that matches measures the interaction. Left out: after the account's last. */
  position: z.number().int().min(0).max(1_000_000).optional(),
  calendarId: dbId.nullable().default(null).meta({ description: 'a business-hours calendar of the account; null: around the clock' }),
  matchQueueIds: z.array(dbId).max(100).default([]),
  matchPriorities: z.array(z.number().int().min(0).max(100)).max(101).default([]),
  matchTags: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  firstResponseSeconds: targetSeconds,
  nextResponseSeconds: targetSeconds,
  resolutionSeconds: targetSeconds,
  warningBeforeSeconds: z.number().int().min(0).max(31_536_000).default(0),
  pauseWhileWaitingOnCustomer: z.boolean().default(false),
  warningActions: actions,
  breachActions: actions,
};

export const slaPolicyInputSchema = z.object(slaPolicyFields).strict();
export type SlaPolicyInput = z.output<typeof slaPolicyInputSchema>;
