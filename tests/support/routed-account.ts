/**
 * A routed email account for end-to-end tests: a Dovecot mailbox watched by the platform, a beepall queue of
 * agents, SMTP to the test's sink, a "Solved" disposition; plus the steps every desk test repeats (wait for an
 * offer, accept it).
 */
import { randomBytes } from 'node:crypto';
import type { DovecotHandle } from '../../scripts/services/dovecot';
import { waitFor } from '../../scripts/services/process-tools';
import { createWatchedAccount } from './ingestion';
import type { TestMailServer } from './mail-servers';
import type { AppendedEmail } from './mailbox';
import type { ApiClient, TestPlatform } from './platform';
import type { SmtpSink } from './smtp-sink';

/** The password of people created without one. */
export const ROUTED_PASSWORD = 'agent-password';

/** Someone working the account: an agent (in its queue unless `inQueue: false`) or a supervisor (never queued). */
export interface RoutedPerson {
  name: string;
  role?: 'agent' | 'supervisor';
  /** A unique test address by default. */
  email?: string;
  /** {@link ROUTED_PASSWORD} by default. */
  password?: string;
  capacity?: number;
  inQueue?: boolean;
}

export interface RoutedAgent {
  id: number;
  name: string;
  email: string;
  password: string;
  client: ApiClient;
}

export interface RoutedAccount {
  account: { id: number; key: string; emailAddress: string; name: string };
  /** The first agent; `agents` holds them all. */
  agent: ApiClient;
  agentId: number;
  agents: RoutedAgent[];
  supervisors: RoutedAgent[];
  queueId: number;
  dispositionId: number;
  mailUser: { user: string; password: string };
  /** Appends a raw email to the account's INBOX. */
  deliver(raw: string | Buffer): Promise<AppendedEmail>;
}

export async function createRoutedAccount(
  platform: TestPlatform,
  smtp: SmtpSink,
  options: {
    agentNames?: string[];
    /** Instead of `agentNames`, when the test needs supervisors, agents outside the queue or fixed logins. */
    people?: RoutedPerson[];
    /** Settings of the queue (beepall, 60 s offers by default). */
    queue?: Record<string, unknown>;
    /** The action plan's steps, given the queue's id (by default one step on that queue); null: no plan at all. */
    actionPlan?: ((queueId: number) => unknown[]) | null;
    account?: Record<string, unknown>;
    dovecot?: DovecotHandle;
    /** Another IMAP server than the run's Dovecot (e.g. Cyrus). */
    server?: TestMailServer;
  } = {},
): Promise<RoutedAccount> {
  const { admin } = platform;
  const agents: RoutedAgent[] = [];
  const supervisors: RoutedAgent[] = [];
  const queued: RoutedAgent[] = [];
  const tag = randomBytes(4).toString('hex');
  const people = options.people ?? (options.agentNames ?? ['Alice Agent']).map((name): RoutedPerson => ({ name }));
  for (const [index, person] of people.entries()) {
    const email = person.email ?? `agent${index}-${tag}@test.invalid`;
    const password = person.password ?? ROUTED_PASSWORD;
    const created = await admin.post('/api/users', {
      name: person.name,
      email,
      role: person.role ?? 'agent',
      password,
      ...(person.capacity === undefined ? {} : { capacity: person.capacity }),
    });
    expect(created.status).toBe(201);
    const routed = { id: created.body.id, name: person.name, email, password, client: await platform.clientFor(created.body.id) };
    if (person.role === 'supervisor') supervisors.push(routed);
    else agents.push(routed);
    if (person.role !== 'supervisor' && person.inQueue !== false) queued.push(routed);
  }
  const queue = await admin.post('/api/queues', { name: `support-${tag}`, strategy: 'beepall', offerTimeoutSeconds: 60, ...options.queue });
  expect(queue.status).toBe(201);
  const members = queued.map((agent) => ({ agentId: agent.id }));
  expect((await admin.put(`/api/queues/${queue.body.id}/members`, { members })).status).toBe(200);

  const watched = await createWatchedAccount(
    platform,
    { smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpSecure: false, smtpAuth: false, mandatoryDisposition: true, ...options.account },
    { activate: false, ...(options.dovecot ? { dovecot: options.dovecot } : {}), ...(options.server ? { server: options.server } : {}) },
  );
  const account = (await admin.get(`/api/accounts/${watched.id}`)).body;
  const agentIds = [...agents, ...supervisors].map((person) => person.id);
  expect((await admin.put(`/api/accounts/${account.id}/agents`, { agentIds })).status).toBe(200);
  expect((await admin.put(`/api/accounts/${account.id}/queues`, { queueIds: [queue.body.id] })).status).toBe(200);
  const disposition = await admin.post(`/api/accounts/${account.id}/dispositions`, { name: 'Solved' });
  expect(disposition.status).toBe(201);
  if (options.actionPlan !== null) {
    const plan = await admin.put(`/api/accounts/${account.id}/action-plan`, {
      steps: options.actionPlan?.(queue.body.id) ?? [{ type: 'queue', queueId: queue.body.id, timeoutSeconds: 600 }],
    });
    expect(plan.status).toBe(201);
  }
  // Activating starts the account's watcher.
  expect((await admin.patch(`/api/accounts/${account.id}`, { active: true })).status).toBe(200);

  return {
    account,
    agent: agents[0]!.client,
    agentId: agents[0]!.id,
    agents,
    supervisors,
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
      offer = offers.body.items[0];
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
