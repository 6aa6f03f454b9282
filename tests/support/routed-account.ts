/**
 * A routed email account for end-to-end tests: a Dovecot mailbox watched by the platform, a beepall queue of
 * agents, SMTP to the test's sink, a "Solved" disposition; plus the steps every desk test repeats (wait for an
 * offer, accept it).
 */
import { addMailUser } from '../../scripts/services/dovecot';
import { waitFor } from '../../scripts/services/process-tools';
import { appendEmail, uniqueMailUser, type AppendedEmail } from './mailbox';
import { uniqueAccountKey, type ApiClient, type TestPlatform } from './platform';
import type { SmtpSink } from './smtp-sink';
import { testEnvironment } from './test-environment';

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
  options: { agentNames?: string[]; account?: Record<string, unknown> } = {},
): Promise<RoutedAccount> {
  const { dovecot } = testEnvironment();
  const mailUser = { user: uniqueMailUser('routed'), password: 'secret-password' };
  await addMailUser(dovecot, mailUser);
  const key = uniqueAccountKey();
  const { admin } = platform;

  const agents: RoutedAgent[] = [];
  for (const [index, name] of (options.agentNames ?? ['Alice Agent']).entries()) {
    const created = await admin.post('/api/users', {
      name,
      email: `agent${index}-${key}@test.invalid`,
      role: 'agent',
      password: 'agent-password',
    });
    expect(created.status).toBe(201);
    agents.push({ id: created.body.id, name, client: await platform.clientFor(created.body.id) });
  }
  const queue = await admin.post('/api/queues', { name: `support-${key}`, strategy: 'beepall', offerTimeoutSeconds: 60 });
  expect(queue.status).toBe(201);
  const members = agents.map((agent) => ({ agentId: agent.id }));
  expect((await admin.put(`/api/queues/${queue.body.id}/members`, { members })).status).toBe(200);

  const account = await admin.post('/api/accounts', {
    name: `Support ${key}`,
    key,
    emailAddress: `support-${key.toLowerCase()}@example.test`,
    imapHost: '127.0.0.1',
    imapPort: dovecot.port,
    imapSsl: false,
    imapUsername: mailUser.user,
    imapPassword: mailUser.password,
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpSecure: false,
    smtpAuth: false,
    mandatoryDisposition: true,
    ...options.account,
  });
  expect(account.status).toBe(201);
  expect(account.body).not.toHaveProperty('imapPassword');
  const agentIds = agents.map((agent) => agent.id);
  expect((await admin.put(`/api/accounts/${account.body.id}/agents`, { agentIds })).status).toBe(200);
  expect((await admin.put(`/api/accounts/${account.body.id}/queues`, { queueIds: [queue.body.id] })).status).toBe(200);
  const disposition = await admin.post(`/api/accounts/${account.body.id}/dispositions`, { name: 'Solved' });
  expect(disposition.status).toBe(201);
  const plan = await admin.put(`/api/accounts/${account.body.id}/action-plan`, {
    steps: [{ type: 'queue', queueId: queue.body.id, timeoutSeconds: 600 }],
  });
  expect(plan.status).toBe(201);
  // Activating starts the account's watcher.
  expect((await admin.patch(`/api/accounts/${account.body.id}`, { active: true })).status).toBe(200);

  return {
    account: account.body,
    agent: agents[0]!.client,
    agentId: agents[0]!.id,
    agents,
    queueId: queue.body.id,
    dispositionId: disposition.body.id,
    mailUser,
    deliver: (raw) => appendEmail(dovecot, mailUser.user, mailUser.password, raw),
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
