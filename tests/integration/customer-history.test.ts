/**
 * The customer's history beside a thread (GET /interactions/:id/customer) against the real database: their earlier
 * interactions in every account the agent may see (not only this one), each with its account, subject, state, date
 * and holder, found whatever the address's case through the index on the lowered address; never another account's
 * for an agent who is not added to it. And the API's own index at GET /api.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startTestPlatform, uniqueAccountKey, type TestPlatform } from '../support/platform';
import { testEnvironment } from '../support/test-environment';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
});
afterAll(async () => {
  await platform?.close();
});

async function seedAccount() {
  const key = uniqueAccountKey();
  return platform.db.emailAccount.create({
    data: { name: `History ${key}`, key, emailAddress: `history-${key.toLowerCase()}@example.test` },
  });
}

async function seedAgent(accountIds: number[], name: string) {
  const agent = await platform.db.user.create({
    data: { name, email: `${name.split(' ')[0]!.toLowerCase()}-${randomBytes(3).toString('hex')}@test.invalid` },
  });
  for (const accountId of accountIds) await platform.db.accountAgent.create({ data: { accountId, userId: agent.id } });
  return agent;
}

function seedInteraction(accountId: number, customerEmail: string, subject: string, daysAgo: number, extra: Record<string, unknown> = {}) {
  const lastMessageAt = new Date(Date.now() - daysAgo * 86_400_000);
  return platform.db.interaction.create({ data: { accountId, subject, customerEmail, lastMessageAt, ...extra } });
}

const idsOf = (body: { interactions: Array<{ id: number }> }) => body.interactions.map((row) => row.id);

describe('customer history', () => {
  it("lists the customer's interactions in every account the agent works, newest first, with account, subject, state and date", async () => {
    const [shop, billing, hidden] = [await seedAccount(), await seedAccount(), await seedAccount()];
    const agent = await seedAgent([shop.id, billing.id], 'Nina Both');
    const customer = `dario-${randomBytes(3).toString('hex')}@customer.test`;
    const current = await seedInteraction(shop.id, customer, 'Where is my parcel?', 0);
    const invoice = await seedInteraction(billing.id, customer.toUpperCase(), 'Invoice 12 is wrong', 2, {
      status: 'closed',
      closedAt: new Date(),
      agentId: agent.id,
    });
    const held = await seedInteraction(shop.id, customer.replace('dario', 'DARIO'), 'Size exchange', 1, {
      agentId: agent.id,
      routingState: 'accepted',
    });
    const secret = await seedInteraction(hidden.id, customer, 'Not for Nina', 1.5);
    await seedInteraction(shop.id, `other-${customer}`, 'Someone else', 1);

    const nina = await platform.clientFor(agent.id);
    const answer = await nina.get(`/api/interactions/${current.id}/customer`);
    expect(answer.status).toBe(200);
    expect(idsOf(answer.body)).toEqual([held.id, invoice.id]);
    expect(answer.body.interactions[0]).toMatchObject({
      accountId: shop.id,
      accountName: shop.name,
      subject: 'Size exchange',
      status: 'open',
      routingState: 'accepted',
      agentId: agent.id,
      agentName: 'Nina Both',
    });
    expect(answer.body.interactions[1]).toMatchObject({
      accountId: billing.id,
      accountKey: billing.key,
      accountName: billing.name,
      subject: 'Invoice 12 is wrong',
      status: 'closed',
      lastMessageAt: invoice.lastMessageAt.toISOString(),
    });
    // Each listed one opens for her; the hidden account's stays unseen.
    for (const id of idsOf(answer.body)) expect((await nina.get(`/api/interactions/${id}`)).status).toBe(200);
    expect((await nina.get(`/api/interactions/${secret.id}`)).status).toBe(404);

    // An agent of one account only sees that account's part of the history, and nothing of the others'.
    const shopOnly = await platform.clientFor((await seedAgent([shop.id], 'Otto Shop')).id);
    expect(idsOf((await shopOnly.get(`/api/interactions/${current.id}/customer`)).body)).toEqual([held.id]);
    expect((await shopOnly.get(`/api/interactions/${invoice.id}/customer`)).status).toBe(404);
    expect((await shopOnly.get(`/api/interactions/${invoice.id}`)).status).toBe(404);
    // An admin sees every account's.
    expect(idsOf((await platform.admin.get(`/api/interactions/${current.id}/customer`)).body)).toEqual([held.id, secret.id, invoice.id]);
  });

  it('GET /api (the address the start banner prints) answers an index whose links answer', async () => {
    const index = await fetch(`${platform.apiUrl}/api`);
    expect(index.status).toBe(200);
    const { links } = (await index.json()) as { links: Record<string, { href: string }> };
    expect(Object.keys(links).sort()).toEqual(['app', 'docs', 'health', 'openapi']);
    for (const { href } of Object.values(links)) expect([href, (await fetch(`${platform.apiUrl}${href}`)).status]).toEqual([href, 200]);
  });

  it('finds the address through the index on its lowered form', async () => {
    const client = new Client({ connectionString: testEnvironment().databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      // Whatever the table's size, the planner must be able to answer the lookup from the index.
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM "Interaction" WHERE lower("customerEmail") = lower($1)`,
        ['Someone@Customer.test'],
      );
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('Interaction_customerEmail_lower_idx');
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });
});
