/** SLA policies (domain/sla.ts, domain/sla-schema.ts): which policy measures an interaction, and what a policy may say. */
import { choosePolicy, measuredTargets, requeueTarget, slaPlanOf, type SlaPolicyRules } from '../../domain/sla';
import { escalationActionSchema, slaPolicyInputSchema } from '../../domain/sla-schema';
import { webhookRetryDelayMs } from '../../services/sla-webhooks';
import { toSearchRequest } from '../../web/src/supervisor/search';

function policy(id: number, position: number, match: Partial<SlaPolicyRules> = {}): SlaPolicyRules {
  return {
    id,
    name: `p${id}`,
    position,
    calendarId: null,
    matchQueueIds: [],
    matchPriorities: [],
    matchTags: [],
    firstResponseSeconds: 3600,
    nextResponseSeconds: null,
    resolutionSeconds: 86_400,
    warningBeforeSeconds: 600,
    pauseWhileWaitingOnCustomer: false,
    warningActions: [],
    breachActions: [],
    ...match,
  };
}

describe('choosePolicy', () => {
  const vip = policy(1, 2, { matchTags: ['vip'] });
  const billing = policy(2, 1, { matchQueueIds: [7] });
  const urgent = policy(3, 0, { matchPriorities: [9, 10], matchQueueIds: [7] });
  const fallback = policy(4, 5);

  it('takes the first policy by position whose conditions all hold', () => {
    const policies = [vip, billing, urgent, fallback];
    expect(choosePolicy(policies, { queueId: 7, priority: 10, tags: [] })?.id).toBe(3);
    expect(choosePolicy(policies, { queueId: 7, priority: 1, tags: ['vip'] })?.id).toBe(2);
    expect(choosePolicy(policies, { queueId: 8, priority: 1, tags: ['x', 'vip'] })?.id).toBe(1);
    expect(choosePolicy(policies, { queueId: null, priority: 0, tags: [] })?.id).toBe(4);
  });

  it('matches no queue condition for an interaction in no queue, and answers null when nothing matches', () => {
    expect(choosePolicy([billing, vip], { queueId: null, priority: 0, tags: [] })).toBeNull();
    expect(choosePolicy([], { queueId: 1, priority: 0, tags: [] })).toBeNull();
  });

  it('breaks a tie of positions by id, whatever order the list comes in', () => {
    const a = policy(10, 1);
    const b = policy(11, 1);
    expect(choosePolicy([b, a], { queueId: null, priority: 0, tags: [] })?.id).toBe(10);
  });
});

describe('the plan', () => {
  it('measures only the targets with seconds, and carries the calendar and actions', () => {
    const rules = policy(1, 0, { breachActions: [{ kind: 'requeue', queueId: 4 }] });
    expect(measuredTargets(rules)).toEqual([
      { target: 'first-response', seconds: 3600 },
      { target: 'resolution', seconds: 86_400 },
    ]);
    const plan = slaPlanOf(rules, null);
    expect(plan).toMatchObject({ policyId: 1, policyName: 'p1', calendar: null, warningBeforeSeconds: 600 });
    expect(requeueTarget(plan.breachActions)).toBe(4);
    expect(requeueTarget([{ kind: 'notify-supervisors' }])).toBeNull();
  });
});

describe('the policy schema', () => {
  it('takes every kind of escalation action', () => {
    const parsed = slaPolicyInputSchema.parse({
      name: 'Gold',
      firstResponseSeconds: 3600,
      breachActions: [
        { kind: 'notify-supervisors' },
        { kind: 'raise-priority', priority: 10 },
        { kind: 'requeue', queueId: 3 },
        { kind: 'email', to: 'lead@example.com' },
        { kind: 'webhook', url: 'https://hooks.example.com/sla' },
      ],
    });
    expect(parsed.breachActions).toHaveLength(5);
    expect(parsed).toMatchObject({ calendarId: null, matchTags: [], resolutionSeconds: null, pauseWhileWaitingOnCustomer: false });
  });

  it.each([
    [{ kind: 'webhook', url: 'ftp://example.com/x' }, 'url'],
    [{ kind: 'webhook', url: 'javascript:alert(1)' }, 'url'],
    [{ kind: 'webhook', url: 'not a url' }, 'url'],
    [{ kind: 'raise-priority', priority: 0 }, 'priority'],
    [{ kind: 'raise-priority', priority: 101 }, 'priority'],
    [{ kind: 'email', to: 'nobody' }, 'to'],
    [{ kind: 'requeue', queueId: -1 }, 'queueId'],
  ])('refuses the action %j, naming %s', (action, field) => {
    const result = escalationActionSchema.safeParse(action);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it('refuses a blank name, negative seconds and unknown fields', () => {
    expect(slaPolicyInputSchema.safeParse({ name: ' ' }).success).toBe(false);
    expect(slaPolicyInputSchema.safeParse({ name: 'a', firstResponseSeconds: 0 }).success).toBe(false);
    expect(slaPolicyInputSchema.safeParse({ name: 'a', colour: 'red' }).success).toBe(false);
  });
});

describe('webhook retries', () => {
  it('wait twice as long after each failed attempt, up to the cap', () => {
    const options = { initialDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5].map((attempts) => webhookRetryDelayMs(attempts, options))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});

describe('the supervisor list filter', () => {
  it('asks for a service level, of one target when one is chosen, and for none when it is left at any', () => {
    const page = { limit: 50 };
    expect(toSearchRequest({ sla: 'at-risk' }, 'all', [], page)).toMatchObject({ sla: 'at-risk' });
    expect(toSearchRequest({ sla: 'at-risk' }, 'all', [], page)).not.toHaveProperty('slaTarget');
    expect(toSearchRequest({ sla: 'breached', slaTarget: 'resolution' }, 'all', [], page)).toMatchObject({
      sla: 'breached',
      slaTarget: 'resolution',
    });
    expect(toSearchRequest({ sla: '', slaTarget: 'resolution' }, 'all', [], page)).not.toHaveProperty('slaTarget');
  });
});
