/**
 * A routed email account for end-to-end tests: a Dovecot mailbox watched by the platform, a beepall queue of
 * agents, SMTP to the test's sink, a "Solved" disposition; plus the steps every desk test repeats (wait for an
 * offer, accept it).
 */
import { randomBytes } from 'node:crypto';
import type { DovecotHandle } from '../../scripts/services/dovecot';
import { waitFor } from '../../scripts/services/process-tools';
import { createWatchedAccount } from './ingestion';
import type { AppendedEmail } from './mailbox';
import type { ApiClient, TestPlatform } from './platform';
import type { SmtpSink } from './smtp-sink';

export interface RoutedAgent {
  id: number;
  name: string;
  client: ApiClient;
}

export interface RoutedAccount {
  account: { id: number; key: string; emailAddress: string; name: string };
  /** The first agent; `agents` holds them all. */
  agent: ApiClient;
  agentId: number;
  agents: RoutedAgent[];
  queueId: number;
  dispositionId: number;
  mailUser: { user: string; password: string };
  /** Appends a raw email to the account's INBOX. */
  deliver(raw: string | Buffer): Promise<AppendedEmail>;
}

export async function createRoutedAccount(
  platform: TestPlatform,
  smtp: SmtpSink,
  options: { agentNames?: string[]; account?: Record<string, unknown>; dovecot?: DovecotHandle } = {},
): Promise<RoutedAccount> {
  const { admin } = platform;
  const agents: RoutedAgent[] = [];
  const tag = randomBytes(4).toString('hex');
  for (const [index, name] of (options.agentNames ?? ['Alice Agent']).entries()) {
    const created = await admin.post('/api/users', {
      name,
      email: `agent${index}-${tag}@test.invalid`,
      role: 'agent',
      password: 'agent-password',
    });
    expect(created.status).toBe(201);
    agents.push({ id: created.body.id, name, client: await platform.clientFor(created.body.id) });
  }
  const queue = await admin.post('/api/queues', { name: `support-${tag}`, strategy: 'beepall', offerTimeoutSeconds: 60 });
  expect(queue.status).toBe(201);
  const members = agents.map((agent) => ({ agentId: agent.id }));
  expect((await admin.put(`/api/queues/${queue.body.id}/members`, { members })).status).toBe(200);

  const watched = await createWatchedAccount(
    platform,
    { smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpSecure: false, smtpAuth: false, mandatoryDisposition: true, ...options.account },
    { activate: false, ...(options.dovecot ? { dovecot: options.dovecot } : {}) },
  );
  const account = (await admin.get(`/api/accounts/${watched.id}`)).body;
  const agentIds = agents.map((agent) => agent.id);
  expect((await admin.put(`/api/accounts/${account.id}/agents`, { agentIds })).status).toBe(200);
  expect((await admin.put(`/api/accounts/${account.id}/queues`, { queueIds: [queue.body.id] })).status).toBe(200);
  const disposition = await admin.post(`/api/accounts/${account.id}/dispositions`, { name: 'Solved' });
  expect(disposition.status).toBe(201);
  const plan = await admin.put(`/api/accounts/${account.id}/action-plan`, {
    steps: [{ type: 'queue', queueId: queue.body.id, timeoutSeconds: 600 }],
  });
  expect(plan.status).toBe(201);
  // Activating starts the account's watcher.
  expect((await admin.patch(`/api/accounts/${account.id}`, { active: true })).status).toBe(200);

  return {
    account,
    agent: agents[0]!.client,
    agentId: agents[0]!.id,
    agents,
    queueId: queue.body.id,
    dispositionId: disposition.body.id,
    mailUser: watched.mailUser,
    deliver: (raw) => watched.append(raw),
  };
}

export interface PendingOffer {
  id: number;
  interactionId: number;
  accountKey: string;
}

/** The agent's first pending offer, once there is one. */
export async function waitForOffer(agent: ApiClient, timeoutMs = 60_000): Promise<PendingOffer> {
  let offer: PendingOffer | undefined;
  await waitFor(
    'an offer for the agent',
    async () => {
      const offers = await agent.get('/api/me/offers');
      offer = offers.body[0];
      return offer !== undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
  return offer!;
}

/** Goes online, waits for the offer of the email just delivered, accepts it: the agent now holds the interaction. */
export async function acceptNextOffer(agent: ApiClient): Promise<PendingOffer> {
  expect((await agent.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
  const offer = await waitForOffer(agent);
  const accepted = await agent.post(`/api/offers/${offer.id}/accept`);
  expect(accepted.status).toBe(200);
  return offer;
}
