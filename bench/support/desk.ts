/**
 * A support desk as the benchmarks and the chaos run drive it: an account watching its own Dovecot mailbox,
 * a queue of agents, an action plan, all created over the admin REST API (as an administrator would), and
 * agents who work their offers over the agent REST API (accept, reply, close), as a desk client does.
 */
import { addMailUser, type DovecotHandle } from '../../scripts/services/dovecot';
import type { QueueStrategy } from '../../domain/offer-order';
import { uniqueMailUser, withImapClient, buildEmail } from '../../tests/support/mailbox';
import { uniqueAccountKey, type ApiClient, type ApiResponse, type TestPlatform } from '../../tests/support/platform';

export interface DeskAgent {
  id: number;
  api: ApiClient;
}

export interface Desk {
  account: { id: number; key: string; emailAddress: string };
  mailUser: { user: string; password: string };
  queueId: number;
  agents: DeskAgent[];
}

export interface DeskOptions {
  dovecot: DovecotHandle;
  agents: number;
  strategy?: QueueStrategy;
  offerTimeoutSeconds?: number;
  /** How long the plan's queue step keeps the email waiting for an agent. */
  queueStepSeconds?: number;
  /** Agents' capacity (interactions held plus pending offers). */
  capacity?: number;
  smtpPort?: number;
  /** Set every agent online before the account is activated. */
  online?: boolean;
  /** Start the account's mailbox watcher (default true). */
  activate?: boolean;
}

async function expectStatus<T>(what: string, promise: Promise<{ status: number; body: T }>, status: number): Promise<T> {
  const response = await promise;
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** In chunks, so 50 agents are created quickly without flooding a 2-core machine. */
async function inChunks<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  return results;
}

export async function createDesk(platform: TestPlatform, options: DeskOptions): Promise<Desk> {
  const { admin } = platform;
  const key = uniqueAccountKey();
  const mailUser = { user: uniqueMailUser(`desk-${key}`), password: 'secret-password' };
  await addMailUser(options.dovecot, mailUser);
  const users = await inChunks([...Array(options.agents).keys()], 10, (index) =>
    expectStatus<{ id: number }>(
      'agent created',
      admin.post('/api/users', {
        name: `Agent ${index} ${key}`,
        email: `agent-${index}-${key.toLowerCase()}@bench.invalid`,
        role: 'agent',
        password: 'agent-password',
        capacity: options.capacity ?? 1,
      }),
      201,
    ),
  );
  const queue = await expectStatus<{ id: number }>(
    'queue created',
    admin.post('/api/queues', {
      name: `desk-${key}`,
      strategy: options.strategy ?? 'rrmemory',
      offerTimeoutSeconds: options.offerTimeoutSeconds ?? 60,
    }),
    201,
  );
  await expectStatus(
    'queue members',
    admin.put(`/api/queues/${queue.id}/members`, { members: users.map((user) => ({ agentId: user.id })) }),
    200,
  );
  const account = await expectStatus<{ id: number; key: string; emailAddress: string }>(
    'account created',
    admin.post('/api/accounts', {
      name: `Desk ${key}`,
      key,
      emailAddress: `desk-${key.toLowerCase()}@example.test`,
      imapHost: '127.0.0.1',
      imapPort: options.dovecot.port,
      imapSsl: false,
      imapUsername: mailUser.user,
      imapPassword: mailUser.password,
      ...(options.smtpPort !== undefined ? { smtpHost: '127.0.0.1', smtpPort: options.smtpPort, smtpSecure: false, smtpAuth: false } : {}),
    }),
    201,
  );
  await expectStatus('account agents', admin.put(`/api/accounts/${account.id}/agents`, { agentIds: users.map((user) => user.id) }), 200);
  await expectStatus('account queues', admin.put(`/api/accounts/${account.id}/queues`, { queueIds: [queue.id] }), 200);
  await expectStatus(
    'action plan',
    admin.put(`/api/accounts/${account.id}/action-plan`, {
      steps: [{ type: 'queue', queueId: queue.id, timeoutSeconds: options.queueStepSeconds ?? 3600 }],
    }),
    201,
  );
  const agents = await inChunks(users, 10, async (user) => ({ id: user.id, api: await platform.clientFor(user.id) }));
  if (options.online)
    await inChunks(agents, 10, (agent) => expectStatus('online', agent.api.put('/api/me/presence', { presence: 'online' }), 200));
  if (options.activate !== false)
    await expectStatus('account activated', admin.patch(`/api/accounts/${account.id}`, { active: true }), 200);
  return { account, mailUser, queueId: queue.id, agents };
}

/** A customer email to the desk, unique by subject and Message-ID. */
export function customerEmail(desk: Desk, subject: string, messageId?: string): string {
  return buildEmail({
    from: 'Carla Customer <carla@customer.test>',
    to: desk.account.emailAddress,
    subject,
    text: `${subject}\r\n`,
    messageId,
  });
}

/** Runs `work` with one IMAP session of the desk's mailbox user (APPENDs go through it). */
export function withDeskMailbox<T>(dovecot: DovecotHandle, desk: Desk, work: Parameters<typeof withImapClient<T>>[3]): Promise<T> {
  return withImapClient(dovecot, desk.mailUser.user, desk.mailUser.password, work);
}

export interface AgentWorkOptions {
  /** Reply to each accepted interaction (idempotent per interaction: requestId `bench-reply-<interactionId>`). */
  reply: boolean;
  /** Close after replying. */
  close: boolean;
  pollMs?: number;
  /** Accept at most this many of the listed offers per look, picked at random (default: all, in order). */
  acceptsPerTick?: number;
  /** Called with the REST accept's round trip when it succeeded. */
  onAccepted?: (event: { agentId: number; offerId: number; interactionId: number; ms: number }) => void;
  onReplied?: (event: { agentId: number; interactionId: number; messageIdHeader: string }) => void;
  /** A reply whose send may or may not have reached the server (a worker died in DATA): the agent resends it once. */
  onReplyUncertain?: (event: { agentId: number; interactionId: number }) => void;
  onClosed?: (event: { agentId: number; interactionId: number }) => void;
  /** Every non-2xx answer or network error, for the counts. */
  onError?: (event: { agentId: number; action: string; status: number | string }) => void;
  /** Interactions this agent holds but has not finished (e.g. an accept whose answer was lost), read from the truth. */
  heldInteractions?: (agentId: number) => Promise<number[]>;
}

/**
 * Agents working like a desk: look at their pending offers, accept, reply, close; retry what failed. Returns a
 * stop function that resolves once every agent has finished its current step.
 */
export function startAgents(agents: DeskAgent[], options: AgentWorkOptions): { stop(): Promise<void>; wake(agentId: number): void } {
  let running = true;
  const wakers = new Map<number, () => void>();
  const woken = new Set<number>();
  const loops = agents.map(async (agent) => {
    const held = new Set<number>();
    const replied = new Set<number>();
    /** Replies the platform could not tell were delivered: resent deliberately, with a requestId of their own. */
    const resent = new Set<number>();
    const call = async (action: string, request: () => Promise<ApiResponse>): Promise<ApiResponse> => {
      try {
        const response = await request();
        if (response.status >= 300) options.onError?.({ agentId: agent.id, action, status: response.status });
        return response;
      } catch (error) {
        options.onError?.({ agentId: agent.id, action, status: (error as Error).message });
        return { status: 0, body: undefined } as ApiResponse;
      }
    };
    let ticks = 0;
    while (running) {
      ticks += 1;
      if (options.heldInteractions && ticks % 10 === 0)
        for (const id of await options.heldInteractions(agent.id).catch(() => [])) held.add(id);
      const offers = await call('list offers', () =>
        agent.api.get<{ items: Array<{ id: number; interactionId: number }> }>('/api/me/offers'),
      );
      const listed: Array<{ id: number; interactionId: number }> = offers.status === 200 ? offers.body.items : [];
      // With many offers each (ring-all, high capacity), agents take a few at random, as people would, not all in the same order.
      const chosen = options.acceptsPerTick === undefined ? listed : shuffle(listed).slice(0, options.acceptsPerTick);
      for (const offer of chosen) {
        if (!running) break;
        const started = performance.now();
        const answer = await call('accept', () => agent.api.post(`/api/offers/${offer.id}/accept`));
        if (answer.status === 200) {
          options.onAccepted?.({
            agentId: agent.id,
            offerId: offer.id,
            interactionId: offer.interactionId,
            ms: performance.now() - started,
          });
          held.add(offer.interactionId);
        }
      }
      for (const interactionId of [...held]) {
        if (!running) break;
        if (options.reply && !replied.has(interactionId)) {
          const reply = await call('reply', () =>
            agent.api.post(`/api/interactions/${interactionId}/reply`, {
              text: `Answer to ${interactionId}.`,
              requestId: resent.has(interactionId) ? `bench-reply-${interactionId}-resent` : `bench-reply-${interactionId}`,
            }),
          );
          if (reply.status === 409 && /may already have been delivered/.test(JSON.stringify(reply.body)) && !resent.has(interactionId)) {
            resent.add(interactionId);
            options.onReplyUncertain?.({ agentId: agent.id, interactionId });
          }
          if (reply.status !== 200) continue;
          replied.add(interactionId);
          options.onReplied?.({ agentId: agent.id, interactionId, messageIdHeader: reply.body?.messageIdHeader });
        }
        if (!options.close) continue;
        const closed = await call('close', () => agent.api.post(`/api/interactions/${interactionId}/close`, {}));
        // 409 "routing has ended": someone (a retry that did reach the workflow) already closed it.
        if (closed.status === 200 || (closed.status === 409 && /ended/.test(JSON.stringify(closed.body)))) {
          held.delete(interactionId);
          options.onClosed?.({ agentId: agent.id, interactionId });
        }
      }
      // Until the next poll, or sooner when a live event says an offer arrived (also while this agent was busy).
      if (woken.delete(agent.id)) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 200);
        wakers.set(agent.id, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      wakers.delete(agent.id);
    }
  });
  return {
    async stop() {
      running = false;
      for (const wake of wakers.values()) wake();
      await Promise.all(loops);
    },
    wake(agentId) {
      const waker = wakers.get(agentId);
      if (waker) waker();
      else woken.add(agentId);
    },
  };
}

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
