/**
 * Pure action-plan logic shared by the routing workflow (interpretation) and the API (validation).
 * Sandbox-safe: no Node built-ins, no clock (callers pass the time).
 */
import type { ActionStep, PlanCondition, WorkingSchedule } from './action-plan-schema';
import { isOpen } from './calendar';

/** Steps a single routing may execute before it ends with "step budget exhausted". */
export const PLAN_STEP_BUDGET = 200;

/** Steps that wait for people: a loop through one of them cannot spin. */
const WAITING_STEPS = new Set<ActionStep['type']>(['queue', 'agent']);

export function jumpTargets(step: ActionStep): string[] {
  if (step.type === 'gotoif' || step.type === 'gotop') return [step.then, ...(step.else ? [step.else] : [])];
  return [];
}

export function findStepIndex(steps: ActionStep[], label: string): number {
  const byLabel = steps.findIndex((step) => step.label === label);
  if (byLabel >= 0) return byLabel;
  // A jump may also name a step by its 1-based position, as XCALLY's editor shows them.
  const position = Number(label);
  return Number.isInteger(position) && position >= 1 && position <= steps.length ? position - 1 : -1;
}

export interface PlanProblem {
  path: string;
  message: string;
}

/**
 * Refuses plans whose jumps land nowhere, whose labels repeat, or that could loop forever
 * without waiting for an agent (a cycle of jumps with no queue or agent step on it).
 */
export function validateActionPlan(steps: ActionStep[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const seen = new Map<string, number>();
  steps.forEach((step, index) => {
    if (step.type === 'gotop' && (step.schedule === undefined) === (step.calendarId === undefined))
      problems.push({ path: `steps.${index}.calendarId`, message: 'a working-time step names either a schedule or a calendarId' });
  });
  steps.forEach((step, index) => {
    if (step.label === undefined) return;
    if (seen.has(step.label))
      problems.push({
        path: `steps.${index}.label`,
        message: `label "${step.label}" is already used by step ${seen.get(step.label)! + 1}`,
      });
    else seen.set(step.label, index);
  });
  const successors = steps.map((step, index) => {
    const next: number[] = [];
    for (const target of jumpTargets(step)) {
      const targetIndex = findStepIndex(steps, target);
      if (targetIndex < 0) problems.push({ path: `steps.${index}`, message: `jump target "${target}" is not a step of this plan` });
      else next.push(targetIndex);
    }
    const fallsThrough = step.type !== 'close' && !((step.type === 'gotoif' || step.type === 'gotop') && step.else !== undefined);
    if (fallsThrough && index + 1 < steps.length) next.push(index + 1);
    return next;
  });
  // A cycle reachable only through non-waiting steps would spin: find strongly connected components.
  const cycle = findCycleWithoutWait(steps, successors);
  if (cycle) {
    problems.push({
      path: `steps.${cycle[0]}`,
      message: `steps ${cycle.map((index) => index + 1).join(' → ')} can loop forever without waiting for an agent (add a queue or agent step to the loop)`,
    });
  }
  return problems;
}

function findCycleWithoutWait(steps: ActionStep[], successors: number[][]): number[] | undefined {
  const state = new Array<0 | 1 | 2>(steps.length).fill(0);
  const stack: number[] = [];
  const visit = (node: number): number[] | undefined => {
    state[node] = 1;
    stack.push(node);
    for (const next of successors[node] ?? []) {
      if (WAITING_STEPS.has(steps[next]!.type)) continue;
      if (state[next] === 1) return stack.slice(stack.indexOf(next));
      if (state[next] === 0) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state[node] = 2;
    return undefined;
  };
  for (let node = 0; node < steps.length; node++) {
    if (state[node] === 0 && !WAITING_STEPS.has(steps[node]!.type)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

export interface ConditionFacts {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  headers: Record<string, string>;
  tags: string[];
  priority: number;
}

export function evaluateCondition(condition: PlanCondition, facts: ConditionFacts): boolean {
  const values = conditionValues(condition, facts);
  const expected = condition.value ?? '';
  switch (condition.operator) {
    case 'isEmpty':
      return values.every((value) => value.trim() === '');
    case 'equals':
      return values.some((value) => value.toLowerCase() === expected.toLowerCase());
    case 'contains':
      return values.some((value) => value.toLowerCase().includes(expected.toLowerCase()));
    case 'startsWith':
      return values.some((value) => value.toLowerCase().startsWith(expected.toLowerCase()));
    case 'endsWith':
      return values.some((value) => value.toLowerCase().endsWith(expected.toLowerCase()));
    case 'matches':
      return values.some((value) => safeRegExp(expected)?.test(value) ?? false);
    case 'greaterThan':
      return values.some((value) => Number(value) > Number(expected));
    case 'lessThan':
      return values.some((value) => Number(value) < Number(expected));
  }
}

function conditionValues(condition: PlanCondition, facts: ConditionFacts): string[] {
  switch (condition.field) {
    case 'from':
      return [facts.from];
    case 'to':
      return facts.to;
    case 'cc':
      return facts.cc;
    case 'subject':
      return [facts.subject];
    case 'body':
      return [facts.body];
    case 'header':
      return [facts.headers[(condition.header ?? '').toLowerCase()] ?? ''];
    case 'tags':
      return facts.tags;
    case 'priority':
      return [String(facts.priority)];
  }
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'i');
  } catch {
    return undefined;
  }
}

/** Local wall-clock parts of `at` in `timezone`. */
function localParts(at: Date, timezone: string): { date: string; weekday: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(part('weekday'));
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    weekday,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

function toMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether `at` falls in the schedule's working intervals (and is not a holiday) in its time zone. */
export function isWorkingTime(schedule: WorkingSchedule, at: Date): boolean {
  const local = localParts(at, schedule.timezone);
  if (schedule.holidays.includes(local.date)) return false;
  return schedule.intervals.some(
    (interval) =>
      interval.days.includes(local.weekday) && local.minutes >= toMinutes(interval.from) && local.minutes < toMinutes(interval.to),
  );
}

/** Whether a working-time step finds the business open at `at`: by its calendar, else by its inline schedule. */
export function isStepWorkingTime(step: Extract<ActionStep, { type: 'gotop' }>, at: Date): boolean {
  if (step.calendar) return isOpen(step.calendar, at);
  return step.schedule !== undefined && isWorkingTime(step.schedule, at);
}
