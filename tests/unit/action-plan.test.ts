import { evaluateCondition, findStepIndex, isWorkingTime, validateActionPlan } from '../../domain/action-plan';
import type { ActionStep } from '../../domain/action-plan-schema';

const facts = {
  from: 'vip@client.test',
  to: ['support@x.test'],
  cc: [],
  subject: 'URGENT: outage',
  body: 'help',
  headers: { 'x-prio': 'high' },
  tags: ['vip'],
  priority: 3,
};

describe('action plan validation', () => {
  it('accepts a plan whose jumps land on steps and whose loops wait for agents', () => {
    const steps: ActionStep[] = [
      { type: 'gotoif', condition: { field: 'subject', operator: 'contains', value: 'urgent' }, then: 'vip', label: 'start' },
      { type: 'queue', queueId: 1, timeoutSeconds: 60, label: 'vip' },
      { type: 'gotoif', condition: { field: 'priority', operator: 'greaterThan', value: '0' }, then: 'vip' },
    ];
    expect(validateActionPlan(steps)).toEqual([]);
  });

  it('refuses a jump to a step that does not exist', () => {
    const problems = validateActionPlan([{ type: 'gotoif', condition: { field: 'from', operator: 'isEmpty' }, then: 'nowhere' }]);
    expect(problems).toEqual([{ path: 'steps.0', message: 'jump target "nowhere" is not a step of this plan' }]);
  });

  it('refuses a loop that never waits for an agent', () => {
    const problems = validateActionPlan([
      { type: 'tag', tags: ['a'], label: 'top' },
      { type: 'gotoif', condition: { field: 'from', operator: 'isEmpty' }, then: 'top', else: 'top' },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/loop forever without waiting/);
  });

  it('refuses repeated labels', () => {
    expect(
      validateActionPlan([
        { type: 'noop', label: 'x' },
        { type: 'noop', label: 'x' },
      ])[0]!.message,
    ).toMatch(/already used/);
  });

  it('finds steps by label or by 1-based position', () => {
    const steps: ActionStep[] = [{ type: 'noop' }, { type: 'noop', label: 'end' }];
    expect(findStepIndex(steps, 'end')).toBe(1);
    expect(findStepIndex(steps, '1')).toBe(0);
    expect(findStepIndex(steps, '3')).toBe(-1);
  });
});

describe('action plan conditions', () => {
  it.each([
    [{ field: 'subject', operator: 'contains', value: 'urgent' }, true],
    [{ field: 'subject', operator: 'startsWith', value: 'urgent:' }, true],
    [{ field: 'from', operator: 'endsWith', value: '@client.test' }, true],
    [{ field: 'from', operator: 'equals', value: 'other@client.test' }, false],
    [{ field: 'header', header: 'X-Prio', operator: 'equals', value: 'HIGH' }, true],
    [{ field: 'tags', operator: 'equals', value: 'vip' }, true],
    [{ field: 'priority', operator: 'lessThan', value: '3' }, false],
    [{ field: 'cc', operator: 'isEmpty' }, true],
    [{ field: 'body', operator: 'matches', value: '^he.p$' }, true],
    [{ field: 'body', operator: 'matches', value: '(' }, false],
  ] as const)('%j → %s', (condition, expected) => {
    expect(evaluateCondition(condition as never, facts)).toBe(expected);
  });
});

describe('working hours', () => {
  const schedule = {
    timezone: 'Europe/Rome',
    intervals: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
    holidays: ['2026-12-25'],
  };
  it('is working time on a weekday morning in the schedule time zone', () => {
    expect(isWorkingTime(schedule, new Date('2026-11-24T08:30:00Z'))).toBe(true); // 09:30 in Rome
  });
  it('is not working time before opening, at weekends or on holidays', () => {
    expect(isWorkingTime(schedule, new Date('2026-11-24T07:30:00Z'))).toBe(false); // 08:30 in Rome
    expect(isWorkingTime(schedule, new Date('2026-11-28T10:00:00Z'))).toBe(false); // Saturday
    expect(isWorkingTime(schedule, new Date('2026-12-25T10:00:00Z'))).toBe(false); // holiday
  });
});
