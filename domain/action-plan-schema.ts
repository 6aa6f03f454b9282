/**
 * The action plan's shape (XCALLY's "applications"): one zod schema per step type, the types inferred from it.
 * The API validates plans with it and the web client's editor reads the same types. Kept apart from the plan's
 * interpretation (action-plan.ts) so that workflow code, which imports only types from here, does not bundle zod.
 */
import { z } from 'zod';
import { calendarRulesSchema } from './calendar-schema';
import { dbId, nonBlank, seconds, timeZone } from './fields';

const label = nonBlank(64).optional();
const jumpTarget = z.string().min(1).max(64);

export const planConditionSchema = z
  .object({
    field: z.enum(['from', 'to', 'cc', 'subject', 'body', 'header', 'tags', 'priority']),
    header: z.string().max(200).optional(),
    operator: z.enum(['equals', 'contains', 'startsWith', 'endsWith', 'matches', 'greaterThan', 'lessThan', 'isEmpty']),
    value: z.string().max(1000).optional(),
  })
  .strict();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');

export const workingScheduleSchema = z
  .object({
    timezone: timeZone(),
    /** e.g. { days: [1,2,3,4,5], from: '09:00', to: '18:00' } */
    intervals: z.array(z.object({ days: z.array(z.number().int().min(0).max(6)).min(1), from: hhmm, to: hhmm }).strict()).max(50),
    /** ISO dates (YYYY-MM-DD) in the schedule's time zone that are never working time. */
    holidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'))
      .max(1000)
      .default([]),
  })
  .strict();

export const AUTOREPLY_MODES = ['always', 'once-per-sender', 'first-message'] as const;

export const actionStepSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queue'), queueId: dbId, timeoutSeconds: seconds(300, 1, 2147483), label }).strict(),
  z.object({ type: z.literal('agent'), agentId: dbId, timeoutSeconds: seconds(300, 1, 2147483), label }).strict(),
  z
    .object({
      type: z.literal('autoreply'),
      template: z.string().min(1).max(100_000),
      mode: z.enum(AUTOREPLY_MODES).default('first-message'),
      replyAll: z.boolean().default(false),
      label,
    })
    .strict(),
  z.object({ type: z.literal('close'), dispositionId: dbId.optional(), label }).strict(),
  z.object({ type: z.literal('noop'), label }).strict(),
  z.object({ type: z.literal('gotoif'), condition: planConditionSchema, then: jumpTarget, else: jumpTarget.optional(), label }).strict(),
  z
    .object({
      type: z.literal('gotop'),
      /** An inline schedule, or: */
      schedule: workingScheduleSchema.optional(),
      /** one of the account's business-hours calendars, */
      calendarId: dbId.optional(),
      /** copied from calendarId when the plan is published (a run reads the calendar as it was then). */
      calendar: calendarRulesSchema.optional(),
      then: jumpTarget,
      else: jumpTarget.optional(),
      label,
    })
    .strict(),
  z.object({ type: z.literal('tag'), tags: z.array(nonBlank(64)).min(1).max(50), label }).strict(),
  z.object({ type: z.literal('priority'), priority: z.number().int().min(0).max(100), label }).strict(),
  z.object({ type: z.literal('webhook'), url: z.string().url().max(2048), timeoutSeconds: seconds(10, 1, 120), label }).strict(),
]);

export type ActionStep = z.output<typeof actionStepSchema>;
export type PlanCondition = z.output<typeof planConditionSchema>;
export type WorkingSchedule = z.output<typeof workingScheduleSchema>;
export type AutoreplyMode = (typeof AUTOREPLY_MODES)[number];

export interface ActionPlan {
  version: number;
  steps: ActionStep[];
}
