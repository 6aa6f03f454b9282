/**
 * Builds routing scenarios straight in PostgreSQL (account, agents, queues, plan, one interaction with one
 * inbound message) and starts `routeEmail` through the Temporal client, as the mailbox watcher would.
 * Agents then act over the REST API, like a desk does.
 */
import { randomBytes } from 'node:crypto';
import { waitFor } from '../../scripts/services/process-tools';
import type { ActionStep } from '../../domain/action-plan-schema';
import type { QueueStrategy } from '../../domain/offer-order';
import { startRoutingWorkflow } from '../../services/start-routing';
import { createStore } from '../../store';
import type { RouteEmailResult } from '../../contracts/route-email';
import { uniqueAccountKey, type ApiClient, type TestPlatform } from '../support/platform';

export interface ScenarioAgent {
  id: number;
  api: ApiClient;
}

export interface ScenarioOptions {
  agents?: number;
  /** Which agents (by index) start online; the others are offline. */
  online?: number[];
  /** Queues by their members (agent indexes). */
  queues?: Array<{ members: number[]; strategy?: QueueStrategy; offerTimeoutSeconds?: number }>;
  /** The plan, given the created queue and agent ids. */
  plan?: (ids: { queues: number[]; agents: number[] }) => ActionStep[];
  account?: {
    waitForAssignedAgentSeconds?: number;
    waitForAssignedQueueSeconds?: number;
    mandatoryDisposition?: boolean;
    withPauseStatus?: boolean;
    transferEnabled?: boolean;
    transferTimeoutSeconds?: number;
    transferToAccount?: boolean;
    transferTemplate?: string;
    /** Sends through an SMTP sink on 127.0.0.1 at this port. */
    smtpPort?: number;
  };
}

export interface Scenario {
  key: string;
  accountId: number;
  agents: ScenarioAgent[];
  queueIds: number[];
  dispositionId: number;
  pauseStatusId: number | null;
}

export async function createScenario(platform: TestPlatform, options: ScenarioOptions = {}): Promise<Scenario> {
  const { db } = platform;
  const key = uniqueAccountKey();
  const pauseStatus = options.account?.withPauseStatus ? await db.pauseStatus.create({ data: { name: `After work ${key}` } }) : null;
  const account = await db.emailAccount.create({
    data: {
      name: `Routing ${key}`,
      key,
      emailAddress: `routing-${key.toLowerCase()}@example.test`,
      waitForAssignedAgentSeconds: options.account?.waitForAssignedAgentSeconds ?? 10,
      waitForAssignedQueueSeconds: options.account?.waitForAssignedQueueSeconds ?? 10,
      mandatoryDisposition: options.account?.mandatoryDisposition ?? false,
      dispositionPauseStatusId: pauseStatus?.id ?? null,
      transferEnabled: options.account?.transferEnabled ?? false,
      transferTimeoutSeconds: options.account?.transferTimeoutSeconds ?? 30,
      transferToAccount: options.account?.transferToAccount ?? false,
      transferTemplate: options.account?.transferTemplate ?? null,
      ...(options.account?.smtpPort !== undefined
        ? { smtpHost: '127.0.0.1', smtpPort: options.account.smtpPort, smtpSecure: false, smtpAuth: false }
        : {}),
    },
  });
  const online = new Set(options.online ?? []);
  const agents: ScenarioAgent[] = [];
  for (let index = 0; index < (options.agents ?? 1); index++) {
    const user = await db.user.create({
      data: {
        name: `Agent ${index} ${key}`,
        email: `agent-${index}-${key.toLowerCase()}-${randomBytes(3).toString('hex')}@test.invalid`,
        role: 'agent',
        presence: online.has(index) ? 'online' : 'offline',
      },
    });
    await db.accountAgent.create({ data: { accountId: account.id, userId: user.id } });
    agents.push({ id: user.id, api: await platform.clientFor(user.id) });
  }
  const queueIds: number[] = [];
  for (const [index, spec] of (options.queues ?? []).entries()) {
    const queue = await db.queue.create({
      data: { name: `q${index}-${key}`, strategy: spec.strategy ?? 'beepall', offerTimeoutSeconds: spec.offerTimeoutSeconds ?? 30 },
    });
    await db.queueMember.createMany({ data: spec.members.map((member) => ({ queueId: queue.id, userId: agents[member]!.id })) });
    await db.accountQueue.create({ data: { accountId: account.id, queueId: queue.id } });
    queueIds.push(queue.id);
  }
  const steps = options.plan?.({ queues: queueIds, agents: agents.map((agent) => agent.id) }) ?? [];
  await db.actionPlanVersion.create({ data: { accountId: account.id, version: 1, steps: steps as object[] } });
  const disposition = await db.disposition.create({ data: { accountId: account.id, name: 'Solved' } });
  return { key, accountId: account.id, agents, queueIds, dispositionId: disposition.id, pauseStatusId: pauseStatus?.id ?? null };
}

let uidCounter = 0;

/** The options of one inbound email: a new interaction (optionally already handled by `assignedAgentId`) or a given one. */
export interface InboundEmailOptions {
  assignedAgentId?: number;
  interactionId?: number;
  subject?: string;
  from?: string;
  to?: string[];
  cc?: string[];
  headers?: Record<string, string>;
}

/** One inbound email stored on its interaction, as ingestion stores it, without routing it. */
export async function storeInboundEmail(platform: TestPlatform, scenario: Scenario, options: InboundEmailOptions = {}) {
  const { db } = platform;
  const interaction =
    options.interactionId !== undefined
      ? await db.interaction.findUniqueOrThrow({ where: { id: options.interactionId } })
      : await db.interaction.create({
          data: {
            accountId: scenario.accountId,
            subject: options.subject ?? 'Where is my order?',
            customerEmail: options.from ?? 'carla@customer.test',
            customerName: 'Carla Customer',
            agentId: options.assignedAgentId ?? null,
          },
        });
  uidCounter += 1;
  const uid = Date.now() * 100 + uidCounter;
  const message = await db.message.create({
    data: {
      interactionId: interaction.id,
      accountId: scenario.accountId,
      direction: 'inbound',
      mailbox: 'INBOX',
      uidValidity: 1n,
      uid: BigInt(uid),
      messageIdHeader: `<m${uid}@customer.test>`,
      fromAddress: options.from ?? 'carla@customer.test',
      fromName: 'Carla Customer',
      toAddresses: (options.to ?? [`routing-${scenario.key.toLowerCase()}@example.test`]).map((address) => ({ address })),
      ccAddresses: (options.cc ?? []).map((address) => ({ address })),
      headers: options.headers ?? {},
      subject: interaction.subject,
      text: 'Order 42 has not arrived.',
    },
  });
  return { interaction, message, uid };
}

/** One inbound email (see InboundEmailOptions), routed by a new workflow. */
export async function routeNewEmail(platform: TestPlatform, scenario: Scenario, options: InboundEmailOptions = {}) {
  const { db } = platform;
  const { interaction, message, uid } = await storeInboundEmail(platform, scenario, options);
  // Started exactly as the mailbox watcher starts it (services/start-routing.ts).
  const workflowId = await startRoutingWorkflow(
    { store: createStore(db), temporal: platform.temporal, taskQueue: platform.taskQueue },
    {
      accountId: scenario.accountId,
      accountKey: scenario.key,
      uidValidity: 1n,
      uid: BigInt(uid),
      messageId: message.id,
      interactionId: interaction.id,
    },
  );
  const handle = platform.temporal.workflow.getHandle(workflowId);
  return {
    workflowId,
    interactionId: interaction.id,
    messageId: message.id,
    result: () => handle.result() as Promise<RouteEmailResult>,
    /** Once nobody took it and it waits unassigned (its run still there): the reason routing recorded. */
    unassigned: async (): Promise<string> => {
      // The state is written first, then the event with the reason: both, once the event is there.
      let reason: string | undefined;
      await waitFor(
        'the interaction waiting unassigned, with its reason',
        async () => {
          const [event] = await db.routingEvent.findMany({
            where: { interactionId: interaction.id, type: 'unassigned' },
            orderBy: { id: 'desc' },
            take: 1,
          });
          reason = (event?.detail as { reason?: string } | undefined)?.reason;
          if (reason === undefined) return false;
          return (await db.interaction.findUniqueOrThrow({ where: { id: interaction.id } })).routingState === 'unassigned';
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      return reason!;
    },
  };
}

export interface PendingOffer {
  id: number;
  interactionId: number;
  source: string;
  expiresAt: string;
}

/** Waits until the agent's desk lists a pending offer (optionally from `source`) and returns it. */
export async function waitForOffer(agent: ScenarioAgent, options: { source?: string; timeoutMs?: number } = {}): Promise<PendingOffer> {
  let found: PendingOffer | undefined;
  await waitFor(
    `an offer${options.source ? ` from ${options.source}` : ''} for agent ${agent.id}`,
    async () => {
      const offers = await agent.api.get<{ items: PendingOffer[] }>('/api/me/offers');
      found = offers.body.items.find((offer) => options.source === undefined || offer.source === options.source);
      return found !== undefined;
    },
    { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 50 },
  );
  return found!;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
