/**
 * The chaos run's desk: agents with room for every email at once, so the run measures the faults rather than a line
 * of interactions waiting for agents, and the liveness bound (every email offered within 60 s of the last fault) is
 * the platform's, not the agents' pace.
 *
 * Full mode: one round-robin queue, one agent per offer; capacity emails ÷ agents.
 * Short mode (CI): ring-all, so accepts race and all but one get 409. A ring-all offer takes a slot of every agent it
 * rings and a capacity is at most 100, so the agents form two ring-all queues and the action plan sends even-numbered
 * emails to one and odd-numbered to the other (a gotoif on the subject's last digit): each queue's agents have a slot
 * for each of its emails.
 */
import type { DovecotHandle } from '../../scripts/services/dovecot';
import type { TestPlatform } from '../../tests/support/platform';
import { createDesk, type Desk } from '../support/desk';

/** The most interactions an agent may have (domain/user.ts). */
const MAX_CAPACITY = 100;
/** Offers outlive any run: an agent who has not answered yet is not a fault. */
const OFFER_TIMEOUT_SECONDS = 3600;

export interface ChaosDeskOptions {
  dovecot: DovecotHandle;
  emails: number;
  agents: number;
  ringAll: boolean;
  smtpPort: number;
}

export async function createChaosDesk(platform: TestPlatform, options: ChaosDeskOptions): Promise<{ desk: Desk; described: string }> {
  const groups = options.ringAll ? 2 : 1;
  const capacity = options.ringAll ? Math.ceil(options.emails / groups) : Math.ceil(options.emails / options.agents);
  if (capacity > MAX_CAPACITY) throw new Error(`${options.emails} emails need a capacity of ${capacity} (at most ${MAX_CAPACITY})`);
  const desk = await createDesk(platform, {
    dovecot: options.dovecot,
    agents: options.agents,
    capacity,
    strategy: options.ringAll ? 'beepall' : 'rrmemory',
    offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS,
    smtpPort: options.smtpPort,
    online: true,
    // Activated once the queues and the plan are final, so no email is routed by a plan about to change.
    activate: false,
  });
  const { admin } = platform;
  const expect = async (what: string, request: Promise<{ status: number; body: unknown }>) => {
    const response = await request;
    if (response.status >= 300) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: number };
  };
  if (options.ringAll) {
    const half = Math.ceil(desk.agents.length / 2);
    const members = (agents: Desk['agents']) => ({ members: agents.map((agent) => ({ agentId: agent.id })) });
    const odd = await expect(
      'second queue',
      admin.post('/api/queues', { name: `desk-${desk.account.key}-odd`, strategy: 'beepall', offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS }),
    );
    await expect('even queue members', admin.put(`/api/queues/${desk.queueId}/members`, members(desk.agents.slice(0, half))));
    await expect('odd queue members', admin.put(`/api/queues/${odd.id}/members`, members(desk.agents.slice(half))));
    await expect('account queues', admin.put(`/api/accounts/${desk.account.id}/queues`, { queueIds: [desk.queueId, odd.id] }));
    await expect(
      'action plan',
      admin.put(`/api/accounts/${desk.account.id}/action-plan`, {
        steps: [
          { type: 'gotoif', condition: { field: 'subject', operator: 'matches', value: '[13579]$' }, then: 'odd' },
          { type: 'queue', queueId: desk.queueId, timeoutSeconds: OFFER_TIMEOUT_SECONDS },
          { type: 'queue', queueId: odd.id, timeoutSeconds: OFFER_TIMEOUT_SECONDS, label: 'odd' },
        ],
      }),
    );
  }
  await expect('account activated', admin.patch(`/api/accounts/${desk.account.id}`, { active: true }));
  const described = options.ringAll
    ? `${options.agents} online agents (capacity ${capacity}) in two ring-all queues, even- and odd-numbered emails`
    : `${options.agents} online agents (capacity ${capacity}) on one round-robin queue`;
  return { desk, described };
}
