/**
 * Reports against the real database: rows seeded with known times, and every figure the API answers equal to the one
 * worked out by hand below (volumes, p50/p90, handle time, SLA compliance, transfers, dispositions, autoreplies), by
 * queue and agent, in local days of a time zone; an agent sees only themself; the CSV says what the JSON says; and the
 * report tables the triggers keep equal what recomputing them from the raw tables gives.
 */
import { minimalAccount, startAdminApi, unique, type AdminApi } from './admin-support';

let api: AdminApi;
let accountId: number;
let q1: number;
let q2: number;
let dispositionId: number;
let alice: Awaited<ReturnType<AdminApi['newUser']>>;
let bob: Awaited<ReturnType<AdminApi['newUser']>>;
const ids: Record<string, number> = {};

const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

interface Seed {
  queueId: number;
  agentId: number;
  arrived: string;
  acceptAfter?: number;
  replyAfter?: number;
  /** Seconds after the acceptance. */
  closeAfter?: number;
  dispositionId?: number;
  autoreplyAfter?: number;
  transferAfter?: number;
  moreInbound?: string[];
}

/** One interaction as routing and the desk would leave it: a customer email, an accepted offer, a reply, a close. */
async function seed(seedRow: Seed): Promise<number> {
  const db = api.db;
  const arrived = at(seedRow.arrived);
  const interaction = await db.interaction.create({
    data: { accountId, customerEmail: 'carla@customer.test', subject: `Report ${unique()}`, createdAt: arrived, queueId: seedRow.queueId },
  });
  const id = interaction.id;
  const message = await db.message.create({ data: { interactionId: id, accountId, direction: 'inbound', receivedAt: arrived } });
  for (const more of seedRow.moreInbound ?? [])
    await db.message.create({ data: { interactionId: id, accountId, direction: 'inbound', receivedAt: at(more) } });
  const outbound = (kind: 'reply' | 'autoreply', after: number, authorId: number | null) =>
    db.outboundEmail
      .create({
        data: {
          interactionId: id,
          accountId,
          kind,
          authorId,
          messageIdHeader: `<${unique()}@reports.test>`,
          envelope: {},
          status: 'sending',
        },
      })
      .then((row) => db.outboundEmail.update({ where: { id: row.id }, data: { status: 'sent', sentAt: at(seedRow.arrived, after) } }));
  if (seedRow.autoreplyAfter !== undefined) await outbound('autoreply', seedRow.autoreplyAfter, null);
  if (seedRow.acceptAfter !== undefined) {
    const offer = await db.offer.create({
      data: {
        interactionId: id,
        messageId: message.id,
        userId: seedRow.agentId,
        workflowId: `wf-${id}`,
        reservation: 'r1',
        source: 'queue-step',
        expiresAt: at(seedRow.arrived, 3600),
      },
    });
    await db.offer.update({ where: { id: offer.id }, data: { state: 'accepted', respondedAt: at(seedRow.arrived, seedRow.acceptAfter) } });
    await db.interaction.update({ where: { id }, data: { agentId: seedRow.agentId, routingState: 'accepted' } });
  }
  if (seedRow.replyAfter !== undefined) await outbound('reply', seedRow.replyAfter, seedRow.agentId);
  if (seedRow.transferAfter !== undefined)
    await db.routingEvent.create({
      data: {
        interactionId: id,
        type: 'transfer-started',
        detail: { fromAgentId: seedRow.agentId, target: { kind: 'queue', queueId: q1 } },
        createdAt: at(seedRow.arrived, seedRow.transferAfter),
      },
    });
  if (seedRow.closeAfter !== undefined)
    await db.interaction.update({
      where: { id },
      data: {
        status: 'closed',
        closedAt: at(seedRow.arrived, seedRow.acceptAfter! + seedRow.closeAfter),
        dispositionId: seedRow.dispositionId ?? null,
      },
    });
  return id;
}

beforeAll(async () => {
  api = await startAdminApi();
  const db = api.db;
  accountId = ((await api.users.admin.call('POST', '/api/accounts', minimalAccount())).body as { id: number }).id;
  q1 = (await db.queue.create({ data: { name: `Reports one ${unique()}` } })).id;
  q2 = (await db.queue.create({ data: { name: `Reports two ${unique()}` } })).id;
  await db.accountQueue.createMany({
    data: [
      { accountId, queueId: q1 },
      { accountId, queueId: q2 },
    ],
  });
  dispositionId = (await db.disposition.create({ data: { accountId, name: 'Solved' } })).id;
  alice = await api.newUser('agent');
  bob = await api.newUser('agent');
  await db.accountAgent.createMany({
    data: [alice.id, bob.id, api.users.supervisor.id].map((userId) => ({ accountId, userId })),
  });
  // Europe/Rome is UTC+1 in January: the range 2026-01-10..11 is [2026-01-09T23:00Z, 2026-01-11T23:00Z).
  ids.i1 = await seed({
    queueId: q1,
    agentId: alice.id,
    arrived: '2026-01-09T23:30:00Z',
    acceptAfter: 60,
    replyAfter: 300,
    closeAfter: 3600,
  });
  ids.i2 = await seed({
    queueId: q1,
    agentId: alice.id,
    arrived: '2026-01-10T10:00:00Z',
    acceptAfter: 120,
    replyAfter: 600,
    closeAfter: 1800,
    dispositionId,
    autoreplyAfter: 5,
  });
  ids.i3 = await seed({
    queueId: q2,
    agentId: bob.id,
    arrived: '2026-01-11T22:30:00Z',
    acceptAfter: 30,
    replyAfter: 90,
    transferAfter: 40,
  });
  ids.i4 = await seed({ queueId: q2, agentId: bob.id, arrived: '2026-01-11T23:10:00Z', acceptAfter: 10, replyAfter: 20 });
  ids.i5 = await seed({ queueId: q1, agentId: alice.id, arrived: '2026-01-10T12:00:00Z', moreInbound: ['2026-01-10T13:00:00Z'] });
  const sla = (interactionId: number, target: string, met: boolean, breached: boolean) =>
    db.interactionSla.create({
      data: {
        interactionId,
        target,
        startedAt: at('2026-01-10T00:00:00Z'),
        dueAt: at('2026-01-10T01:00:00Z'),
        metAt: met ? at('2026-01-10T02:00:00Z') : null,
        breachedAt: breached ? at('2026-01-10T01:00:00Z') : null,
      },
    });
  await sla(ids.i1, 'first-response', true, false);
  await sla(ids.i1, 'resolution', true, false);
  await sla(ids.i2, 'first-response', true, true);
  await sla(ids.i3, 'first-response', false, false);
  await sla(ids.i4, 'first-response', false, true);
});
afterAll(async () => {
  await api?.close();
});

const range = 'from=2026-01-10&to=2026-01-11&tz=Europe/Rome';
const get = (path: string, who = api.users.supervisor, headers: Record<string, string> = {}) => who.call('GET', path, undefined, headers);

test('a supervisor sees the account figures computed from its interactions, in Rome days', async () => {
  const reply = await get(`/api/reports/summary?${range}&accountId=${accountId}`);
  expect(reply.status).toBe(200);
  const summary = reply.body;
  // i4 arrived at 00:10 on the 12th in Rome: outside. i1 arrived at 00:30 on the 10th in Rome (the 9th in UTC): inside.
  expect(summary.volumes).toEqual({ inbound: 5, outbound: 3, newInteractions: 4, closed: 2, autoreplies: 1, transfers: 1 });
  expect(summary.waiting).toMatchObject({ count: 3, p50: 60, p90: 120 }); // 30, 60, 120
  expect(summary.waiting.histogram.map((bucket: { count: number }) => bucket.count)).toEqual([1, 2, 0, 0, 0, 0, 0]);
  expect(summary.firstResponse).toMatchObject({ count: 3, p50: 300, p90: 600 }); // 90, 300, 600
  expect(summary.handle).toMatchObject({ count: 2, p50: 1800, p90: 3600 });
  expect(summary.sla).toMatchObject({ targets: 4, met: 2, breached: 1, pending: 1 });
  expect(summary.sla.compliance).toBeCloseTo(2 / 3);
  expect(summary.sla.byTarget).toEqual([
    { target: 'first-response', targets: 3, met: 1, breached: 1, pending: 1, compliance: 0.5 },
    { target: 'resolution', targets: 1, met: 1, breached: 0, pending: 0, compliance: 1 },
  ]);
  expect(summary.dispositions).toEqual([
    { dispositionId, name: 'Solved', count: 1 },
    { dispositionId: null, name: null, count: 1 },
  ]);
  expect(summary.daily).toEqual([
    { day: '2026-01-10', inbound: 4, outbound: 2, newInteractions: 3, closed: 2, autoreplies: 1, transfers: 0 },
    { day: '2026-01-11', inbound: 1, outbound: 1, newInteractions: 1, closed: 0, autoreplies: 0, transfers: 1 },
  ]);
  // The supervisor sees only the accounts they are added to: the same figures without accountId.
  expect((await get(`/api/reports/summary?${range}`)).body.volumes).toEqual(summary.volumes);
});

test('in UTC days the same rows fall on other days', async () => {
  const summary = (await get(`/api/reports/summary?from=2026-01-10&to=2026-01-11&tz=UTC&accountId=${accountId}`)).body;
  expect(summary.daily.map((day: { newInteractions: number }) => day.newInteractions)).toEqual([2, 2]); // i2, i5 | i3, i4
  expect(summary.waiting).toMatchObject({ count: 3, p50: 30, p90: 120 }); // i2 120, i3 30, i4 10
});

test('a queue and an agent filter keep to their interactions', async () => {
  const queue = (await get(`/api/reports/summary?${range}&queueId=${q1}`)).body;
  expect(queue.volumes).toEqual({ inbound: 4, outbound: 2, newInteractions: 3, closed: 2, autoreplies: 1, transfers: 0 });
  expect(queue.waiting).toMatchObject({ count: 2, p50: 60, p90: 120 });
  const agent = (await get(`/api/reports/summary?${range}&agentId=${bob.id}`)).body;
  expect(agent.volumes).toEqual({ inbound: 1, outbound: 1, newInteractions: 1, closed: 0, autoreplies: 0, transfers: 1 });
  expect(agent.waiting).toMatchObject({ count: 1, p50: 30, p90: 30 });

  const agents = (await get(`/api/reports/agents?${range}&accountId=${accountId}`)).body.rows;
  expect(agents).toEqual([
    expect.objectContaining({
      id: alice.id,
      name: expect.any(String),
      inbound: 2,
      outbound: 2,
      closed: 2,
      handleP50: 1800,
      waitingP50: 60,
    }),
    expect.objectContaining({ id: bob.id, inbound: 1, outbound: 1, transfers: 1, closed: 0, handleP50: null, waitingP50: 30 }),
    // i5 was never accepted: its two emails have no agent.
    expect.objectContaining({ id: null, name: null, inbound: 2, newInteractions: 1, waitingP50: null }),
  ]);
  const queues = (await get(`/api/reports/queues?${range}&accountId=${accountId}`)).body.rows;
  expect(queues.map((row: { id: number; inbound: number }) => [row.id, row.inbound])).toEqual([
    [q1, 4],
    [q2, 1],
  ]);
});

test('an agent sees their own figures only', async () => {
  const own = await get(`/api/reports/summary?${range}`, bob);
  expect(own.status).toBe(200);
  expect(own.body.volumes).toEqual({ inbound: 1, outbound: 1, newInteractions: 1, closed: 0, autoreplies: 0, transfers: 1 });
  expect((await get(`/api/reports/summary?${range}&agentId=${alice.id}`, bob)).status).toBe(403);
  expect((await get(`/api/reports/agents?${range}`, bob)).body.rows.map((row: { id: number }) => row.id)).toEqual([bob.id]);
  // A supervisor names only agents of the accounts they see.
  expect((await get(`/api/reports/summary?${range}&agentId=${api.users.agent.id}`)).status).toBe(404);
  // An agent of another account learns nothing of this one.
  expect((await get(`/api/reports/summary?${range}&accountId=${accountId}`, api.users.agent)).status).toBe(404);
});

test('the CSV says what the JSON says, with a header row and a file name', async () => {
  const json = (await get(`/api/reports/summary?${range}&accountId=${accountId}`)).body;
  for (const [query, headers] of [
    [`${range}&accountId=${accountId}&format=csv`, {}],
    [`${range}&accountId=${accountId}`, { accept: 'text/csv' }],
  ] as const) {
    const csv = await get(`/api/reports/summary?${query}`, api.users.supervisor, headers);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename=mailroute-summary-2026-01-10-to-2026-01-11.csv');
    const lines = (csv.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('day,inbound,outbound,newInteractions,closed,autoreplies,transfers');
    expect(lines.slice(1, -1)).toEqual(
      json.daily.map((d: Record<string, unknown>) =>
        [d.day, d.inbound, d.outbound, d.newInteractions, d.closed, d.autoreplies, d.transfers].join(','),
      ),
    );
    expect(lines.at(-1)).toBe(`total,5,3,4,2,1,1`);
  }
  const agents = await get(`/api/reports/agents?${range}&accountId=${accountId}&format=csv`);
  const [header, first] = (agents.body as string).split('\r\n');
  expect(header).toBe(
    'id,name,inbound,outbound,newInteractions,closed,autoreplies,transfers,waitingP50,waitingP90,firstResponseP50,firstResponseP90,handleP50,handleP90',
  );
  expect(first!.startsWith(`${alice.id},`)).toBe(true);
});

test('bad ranges and unknown zones are 400s naming the field', async () => {
  const problem = async (query: string) => {
    const reply = await get(`/api/reports/summary?${query}`);
    expect(reply.status).toBe(400);
    return reply.body.errors.map((error: { field: string }) => error.field);
  };
  expect(await problem('from=2026-01-12&to=2026-01-10')).toEqual(['query.to']);
  expect(await problem('from=2025-01-01&to=2026-01-10')).toEqual(['query.to']);
  expect(await problem('from=2026-01-10&to=2026-01-11&tz=Mars/Olympus')).toEqual(['query.tz']);
  expect(await problem('from=2026-02-30&to=2026-03-01')).toEqual(['query.from']);
});

test('the report tables the triggers keep equal those recomputed from the raw tables, through moves and deletes', async () => {
  const db = api.db;
  await db.interaction.update({ where: { id: ids.i5! }, data: { queueId: q2, agentId: bob.id } });
  await db.interaction.update({ where: { id: ids.i3! }, data: { status: 'closed', closedAt: at('2026-01-12T00:00:00Z') } });
  const doomed = await seed({
    queueId: q1,
    agentId: alice.id,
    arrived: '2026-01-10T08:00:00Z',
    acceptAfter: 5,
    replyAfter: 9,
    transferAfter: 7,
    autoreplyAfter: 1,
  });
  await db.interactionSla.create({
    data: { interactionId: doomed, target: 'resolution', startedAt: at('2026-01-10T08:00:00Z'), dueAt: at('2026-01-11T08:00:00Z') },
  });
  await db.interaction.delete({ where: { id: doomed } });
  // SLA targets settle, move and go: the counts in the report rows follow.
  const pending = await db.interactionSla.findFirstOrThrow({ where: { interactionId: ids.i3!, target: 'first-response' } });
  await db.interactionSla.update({ where: { id: pending.id }, data: { breachedAt: at('2026-01-12T00:00:00Z') } });
  const resolution = await db.interactionSla.findFirstOrThrow({ where: { interactionId: ids.i1!, target: 'resolution' } });
  await db.interactionSla.update({ where: { id: resolution.id }, data: { interactionId: ids.i2! } });
  await db.interactionSla.create({
    data: {
      interactionId: ids.i5!,
      target: 'next-response',
      cycle: 1,
      startedAt: at('2026-01-10T13:00:00Z'),
      dueAt: at('2026-01-10T14:00:00Z'),
    },
  });
  await db.interactionSla.delete({ where: { interactionId_target_cycle: { interactionId: ids.i4!, target: 'first-response', cycle: 0 } } });
  const all = [...Object.values(ids), doomed];
  const snapshot = async () => ({
    facts: await db.$queryRaw`SELECT * FROM "ReportInteraction" WHERE "interactionId" = ANY(${all}::int[]) ORDER BY 1`,
    activity: await db.$queryRaw`SELECT kind, "sourceId", "interactionId", "accountId", "queueId", "agentId", "at"
      FROM "ReportActivity" WHERE "interactionId" = ANY(${all}::int[]) ORDER BY kind, "sourceId"`,
  });
  const kept = await snapshot();
  expect((kept.facts as unknown[]).length).toBe(5);
  await db.$executeRaw`SELECT report_rebuild(${all}::int[])`;
  expect(await snapshot()).toEqual(kept);
  const moved = (await get(`/api/reports/summary?${range}&queueId=${q2}`)).body.volumes;
  expect(moved).toMatchObject({ inbound: 3, newInteractions: 2 }); // i3, and i5 with its two emails
  const sla = (await get(`/api/reports/summary?${range}&accountId=${accountId}`)).body.sla;
  expect(sla).toMatchObject({ targets: 5, met: 2, breached: 2, pending: 1 }); // i3 now breached; i5's next response pending
  expect(sla.byTarget.map((one: { target: string; targets: number }) => [one.target, one.targets])).toEqual([
    ['first-response', 3],
    ['next-response', 1],
    ['resolution', 1],
  ]);
});
