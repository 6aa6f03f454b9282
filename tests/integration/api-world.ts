/**
 * One account with one of everything the API serves, written straight to the database: its supervisor and agent,
 * a queue, dispositions, canned answers, an action plan, a contact list, interactions with a message, an attachment,
 * a note and routing events, a pending offer, a quarantined email, the mailbox's state and an event, a pause status
 * and an API token. Every name, subject and address carries the world's marker, so an answer that shows any of them
 * to someone else is found by searching it for the marker.
 */
import { randomBytes } from 'node:crypto';
import { hashPassword, issueToken } from '../../services/auth';
import { createStore } from '../../store';
import { storeBlob } from '../../store/blobs';
import type { Database } from '../../store/db';
import { accountKey, client, type Call, type Role } from './admin-support';

/** An id no row has (tests never create two billion rows). */
export const ABSENT_ID = 2147483000;

export interface Person {
  id: number;
  email: string;
  role: Role;
  token: string;
  call: Call;
}

export interface World {
  marker: string;
  accountId: number;
  key: string;
  supervisor: Person;
  agent: Person;
  /** The agent's password (for login): hashing is slow, so only the agent has one. */
  agentPassword: string;
  queueId: number;
  dispositionId: number;
  childDispositionId: number;
  cannedAnswerId: number;
  planVersion: number;
  contactListId: number;
  contactId: number;
  /** Held (it names a routing workflow, which no worker runs here) and with a message, attachment and events. */
  interactionId: number;
  /** Closed, naming no workflow. */
  closedInteractionId: number;
  messageId: number;
  attachmentId: number;
  offerId: number;
  /** A reply of the held interaction, sent (so settling it as an uncertain send is a 409: no worker runs here). */
  outboundId: number;
  quarantineId: number;
  pauseStatusId: number;
  /** A business-hours calendar of the account. */
  calendarId: number;
  /** An SLA policy of the account, in its calendar and queue. */
  slaPolicyId: number;
  /** The agent's API token's row. */
  tokenId: number;
}

const RAW_EMAIL = (marker: string, to: string) =>
  Buffer.from(
    [
      `From: Customer ${marker} <customer-${marker}@example.com>`,
      `To: ${to}`,
      `Subject: Quarantined ${marker}`,
      `Message-ID: <${marker}-${randomBytes(4).toString('hex')}@example.com>`,
      'Date: Mon, 05 Jan 2026 10:00:00 +0000',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Hello ${marker}`,
      '',
    ].join('\r\n'),
  );

/** A password and its hash, made once: scrypt at its production cost takes a while, and worlds are many. */
export async function worldPassword(): Promise<{ password: string; hash: string }> {
  const password = `pw-${randomBytes(6).toString('hex')}`;
  return { password, hash: await hashPassword(password) };
}

export async function createWorld(db: Database, url: string, password?: { password: string; hash: string }): Promise<World> {
  const marker = `w${randomBytes(5).toString('hex')}`;
  const key = accountKey();
  const store = createStore(db);
  const credentials = password ?? (await worldPassword());
  const agentPassword = credentials.password;
  async function person(role: Role, passwordHash?: string): Promise<Person> {
    const email = `${role}-${marker}@example.com`;
    const user = await db.user.create({ data: { name: `${role} ${marker}`, email, role, ...(passwordHash ? { passwordHash } : {}) } });
    const { token } = await issueToken(store.tokens, { userId: user.id, name: `login ${marker}` });
    return { id: user.id, email, role, token, call: client(url, token) };
  }
  const [supervisor, agent] = await Promise.all([person('supervisor'), person('agent', credentials.hash)]);
  // Pause statuses are global (every agent pauses with them): its name is not the world's to hide.
  const pauseStatus = await db.pauseStatus.create({ data: { name: `Lunch ${randomBytes(5).toString('hex')}` } });
  const contactList = await db.contactList.create({
    data: { name: `Customers ${marker}`, contacts: { create: { email: `contact-${marker}@example.com`, name: `Contact ${marker}` } } },
    include: { contacts: true },
  });
  const account = await db.emailAccount.create({
    data: {
      name: `Support ${marker}`,
      key,
      emailAddress: `support-${marker}@example.com`,
      contactListId: contactList.id,
      // Loopback only, on a port nobody listens on: Verify SMTP fails at once and nothing leaves the machine.
      smtpHost: '127.0.0.1',
      smtpPort: 1,
      imapHost: '127.0.0.1',
      imapPort: 1,
      agents: { create: [{ userId: supervisor.id }, { userId: agent.id }] },
    },
  });
  const queue = await db.queue.create({
    data: { name: `Queue ${marker}`, accounts: { create: { accountId: account.id } }, members: { create: { userId: agent.id } } },
  });
  const disposition = await db.disposition.create({ data: { accountId: account.id, name: `Solved ${marker}` } });
  const child = await db.disposition.create({
    data: { accountId: account.id, name: `Refund ${marker}`, level: 2, parentId: disposition.id },
  });
  const cannedAnswer = await db.cannedAnswer.create({ data: { accountId: account.id, name: `Thanks ${marker}`, body: `Body ${marker}` } });
  const calendar = await db.businessCalendar.create({
    data: { accountId: account.id, name: `Office ${marker}`, timeZone: 'Europe/Rome', hours: { mon: [{ from: '09:00', to: '18:00' }] } },
  });
  const slaPolicy = await db.slaPolicy.create({
    data: {
      accountId: account.id,
      name: `Gold ${marker}`,
      position: 0,
      calendarId: calendar.id,
      matchQueueIds: [queue.id],
      firstResponseSeconds: 3600,
      breachActions: [{ kind: 'requeue', queueId: queue.id }],
    },
  });
  const plan = await db.actionPlanVersion.create({
    data: { accountId: account.id, version: 1, steps: [{ type: 'queue', queueId: queue.id, timeoutSeconds: 300 }] },
  });
  const workflowId = `route-${key}-uv1-uid1`;
  const interaction = await db.interaction.create({
    data: {
      accountId: account.id,
      subject: `Order ${marker}`,
      customerEmail: `customer-${marker}@example.com`,
      customerName: `Customer ${marker}`,
      agentId: agent.id,
      queueId: queue.id,
      routingState: 'accepted',
      routingWorkflowId: workflowId,
      routingVersion: 2,
      tags: [`tag-${marker}`],
    },
  });
  const closed = await db.interaction.create({
    data: {
      accountId: account.id,
      subject: `Closed ${marker}`,
      customerEmail: `customer-${marker}@example.com`,
      status: 'closed',
      routingState: 'closed',
      closedAt: new Date(),
    },
  });
  const offered = await db.interaction.create({
    data: {
      accountId: account.id,
      subject: `Offered ${marker}`,
      customerEmail: `customer-${marker}@example.com`,
      queueId: queue.id,
      routingState: 'offered',
      routingWorkflowId: `route-${key}-uv1-uid2`,
      routingVersion: 2,
    },
  });
  const raw = RAW_EMAIL(marker, account.emailAddress);
  const message = await db.message.create({
    data: {
      interactionId: interaction.id,
      accountId: account.id,
      direction: 'inbound',
      mailbox: 'INBOX',
      uidValidity: 1n,
      uid: 1n,
      messageIdHeader: `<${marker}@example.com>`,
      fromAddress: `customer-${marker}@example.com`,
      fromName: `Customer ${marker}`,
      subject: `Order ${marker}`,
      text: `Where is my order ${marker}?`,
      html: `<p>Where is my order ${marker}?</p>`,
      htmlSanitized: `<p>Where is my order ${marker}?</p>`,
      rawSha256: await storeBlob(db, raw),
      sizeBytes: raw.length,
      workflowId,
      attachments: {
        create: {
          filename: `invoice-${marker}.pdf`,
          contentType: 'application/pdf',
          size: 9,
          sha256: await storeBlob(db, Buffer.from(`%PDF-${marker}`)),
        },
      },
    },
    include: { attachments: true },
  });
  await db.message.create({
    data: { interactionId: interaction.id, accountId: account.id, direction: 'note', text: `Note ${marker}`, authorId: supervisor.id },
  });
  await db.routingEvent.create({ data: { interactionId: interaction.id, messageId: message.id, workflowId, type: 'accepted' } });
  const offer = await db.offer.create({
    data: {
      interactionId: offered.id,
      messageId: message.id,
      userId: agent.id,
      workflowId: `route-${key}-uv1-uid2`,
      reservation: 's1-o1',
      source: 'queue-step',
      queueId: queue.id,
      expiresAt: new Date(Date.now() + 24 * 3600_000),
    },
  });
  const outbound = await db.outboundEmail.create({
    data: {
      interactionId: interaction.id,
      accountId: account.id,
      kind: 'reply',
      authorId: agent.id,
      messageIdHeader: `<reply-${marker}@example.com>`,
      status: 'sent',
      envelope: { to: [`customer-${marker}@example.com`], subject: `Re: Order ${marker}` },
      sentAt: new Date(),
    },
  });
  const quarantined = await db.quarantinedEmail.create({
    data: {
      accountId: account.id,
      mailbox: 'INBOX',
      uidValidity: 1n,
      uid: 9n,
      reason: `too large ${marker}`,
      rawSha256: await storeBlob(db, raw),
    },
  });
  await db.mailboxState.create({ data: { accountId: account.id, mailbox: 'INBOX', uidValidity: 1n, lastUid: 1n, uidNext: 3n } });
  await db.mailboxEvent.create({ data: { accountId: account.id, mailbox: 'INBOX', type: 'uidvalidity-reset', detail: { marker } } });
  const token = await db.apiToken.findFirstOrThrow({ where: { userId: agent.id } });
  return {
    marker,
    accountId: account.id,
    key,
    supervisor,
    agent,
    agentPassword,
    queueId: queue.id,
    dispositionId: disposition.id,
    childDispositionId: child.id,
    cannedAnswerId: cannedAnswer.id,
    planVersion: plan.version,
    contactListId: contactList.id,
    contactId: contactList.contacts[0]!.id,
    interactionId: interaction.id,
    closedInteractionId: closed.id,
    messageId: message.id,
    attachmentId: message.attachments[0]!.id,
    offerId: offer.id,
    outboundId: outbound.id,
    quarantineId: quarantined.id,
    pauseStatusId: pauseStatus.id,
    calendarId: calendar.id,
    slaPolicyId: slaPolicy.id,
    tokenId: token.id,
  };
}

export type Kind =
  'account' | 'agent' | 'queue' | 'interaction' | 'disposition' | 'cannedAnswer' | 'contactList' | 'pauseStatus' | 'calendar' | 'slaPolicy';

/** What kind of object an id names, by the field that carries it. */
export const FIELD_KINDS: Record<string, Kind> = {
  accountId: 'account',
  agentId: 'agent',
  agentIds: 'agent',
  userId: 'agent',
  queueId: 'queue',
  queueIds: 'queue',
  ids: 'interaction',
  dispositionId: 'disposition',
  parentId: 'disposition',
  cannedAnswerId: 'cannedAnswer',
  contactListId: 'contactList',
  pauseStatusId: 'pauseStatus',
  dispositionPauseStatusId: 'pauseStatus',
  notRespondingPauseStatusId: 'pauseStatus',
  calendarId: 'calendar',
  matchQueueIds: 'queue',
  policyIds: 'slaPolicy',
};

/** The world's object of a kind; ABSENT_ID for no world (an object that does not exist). */
export function idOf(world: World | null, kind: Kind): number {
  if (!world) return ABSENT_ID;
  const ids: Record<Kind, number> = {
    account: world.accountId,
    agent: world.agent.id,
    queue: world.queueId,
    interaction: world.interactionId,
    disposition: world.dispositionId,
    cannedAnswer: world.cannedAnswerId,
    contactList: world.contactListId,
    pauseStatus: world.pauseStatusId,
    calendar: world.calendarId,
    slaPolicy: world.slaPolicyId,
  };
  return ids[kind];
}

/** The objects a path names, by the segment before each parameter. */
export function pathIds(operation: { key: string; path: string }, world: World | null): Record<string, number> {
  const ids: Record<string, number> = {};
  const segments = operation.path.split('/');
  segments.forEach((segment, index) => {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!name) return;
    const owner = segments[index - 1];
    if (!world) return void (ids[name] = ABSENT_ID);
    const byOwner: Record<string, number> = {
      accounts: world.accountId,
      dispositions: world.dispositionId,
      versions: world.planVersion,
      queues: world.queueId,
      users: world.agent.id,
      'canned-answers': world.cannedAnswerId,
      'contact-lists': world.contactListId,
      contacts: world.contactId,
      interactions: world.interactionId,
      attachments: world.attachmentId,
      offers: world.offerId,
      'uncertain-sends': world.outboundId,
      quarantine: world.quarantineId,
      tokens: world.tokenId,
      'pause-statuses': world.pauseStatusId,
      calendars: world.calendarId,
      'sla-policies': world.slaPolicyId,
    };
    if (!(owner! in byOwner)) throw new Error(`${operation.key}: no object of this test's world for {${name}} after /${owner}`);
    ids[name] = byOwner[owner!]!;
  });
  return ids;
}
