/**
 * What the desk shows beside an interaction, over REST against the real database: the customer with their other
 * interactions (only in accounts the agent may see), an offer's preview line and waiting time, and transfer targets
 * with their presence (an agent who cannot take a transfer is said so, and refused).
 */
import { randomBytes } from 'node:crypto';
import { startTestPlatform, uniqueAccountKey, type TestPlatform } from '../support/platform';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
});
afterAll(async () => {
  await platform?.close();
});

async function seedAccount(extra: Record<string, unknown> = {}) {
  const key = uniqueAccountKey();
  return platform.db.emailAccount.create({
    data: { name: `Context ${key}`, key, emailAddress: `context-${key.toLowerCase()}@example.test`, ...extra },
  });
}

async function seedAgent(accountIds: number[], name: string, fields: Record<string, unknown> = {}) {
  const agent = await platform.db.user.create({
    data: { name, email: `${name.toLowerCase().replace(/\W/g, '')}-${randomBytes(3).toString('hex')}@test.invalid`, ...fields },
  });
  for (const accountId of accountIds) await platform.db.accountAgent.create({ data: { accountId, userId: agent.id } });
  return agent;
}

async function seedInteraction(accountId: number, customerEmail: string, subject: string, text: string, receivedAt = new Date()) {
  const interaction = await platform.db.interaction.create({
    data: { accountId, subject, customerEmail, customerName: 'Carla Bianchi', lastMessageAt: receivedAt },
  });
  const message = await platform.db.message.create({
    data: { interactionId: interaction.id, accountId, direction: 'inbound', subject, fromAddress: customerEmail, text, receivedAt },
  });
  return { interaction, message };
}

describe('desk context', () => {
  it("lists the customer's other interactions in the accounts the agent may see, never another account's", async () => {
    const [mine, other] = [await seedAccount(), await seedAccount()];
    const agent = await seedAgent([mine.id], 'Alice Context');
    const customer = `carla-${randomBytes(3).toString('hex')}@customer.test`;
    const earlier = await seedInteraction(mine.id, customer, 'Broken zipper', 'The zipper broke.', new Date(Date.now() - 86_400_000));
    const elsewhere = await seedInteraction(other.id, customer, 'Other account', 'Not for Alice.');
    const current = await seedInteraction(mine.id, customer.toUpperCase(), 'Where is my order?', 'Order 42?');
    await platform.db.interaction.update({ where: { id: earlier.interaction.id }, data: { status: 'closed', agentId: agent.id } });

    const client = await platform.clientFor(agent.id);
    const answer = await client.get(`/api/interactions/${current.interaction.id}/customer`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ name: 'Carla Bianchi', email: customer.toUpperCase(), contact: null });
    expect(answer.body.interactions).toEqual([
      expect.objectContaining({
        id: earlier.interaction.id,
        subject: 'Broken zipper',
        status: 'closed',
        accountKey: mine.key,
        accountName: mine.name,
        agentName: 'Alice Context',
      }),
    ]);
    // The past interaction opens (read-only) for her: it is of an account she is added to.
    expect((await client.get(`/api/interactions/${earlier.interaction.id}`)).status).toBe(200);
    // Another account's interaction is neither listed nor found.
    expect((await client.get(`/api/interactions/${elsewhere.interaction.id}/customer`)).status).toBe(404);
    // An admin sees both accounts.
    const everything = await platform.admin.get(`/api/interactions/${current.interaction.id}/customer`);
    expect(everything.body.interactions.map((row: { id: number }) => row.id).sort()).toEqual(
      [earlier.interaction.id, elsewhere.interaction.id].sort(),
    );
  });

  it('gives each pending offer a one-line preview of the newest customer message, the customer name and since when they wait', async () => {
    const account = await seedAccount();
    const agent = await seedAgent([account.id], 'Olga Offer');
    const arrived = new Date(Date.now() - 5 * 60_000);
    const { interaction, message } = await seedInteraction(
      account.id,
      'dora@customer.test',
      'Refund',
      `Hello,\n\n> an old quote\nI would like   my money back.\n${'very long '.repeat(40)}`,
      arrived,
    );
    await platform.db.offer.create({
      data: {
        interactionId: interaction.id,
        messageId: message.id,
        userId: agent.id,
        workflowId: `test-${interaction.id}`,
        reservation: 'r1',
        source: 'queue-step',
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    const [offer] = (await (await platform.clientFor(agent.id)).get('/api/me/offers')).body.items;
    expect(offer).toMatchObject({
      interactionId: interaction.id,
      customerName: 'Carla Bianchi',
      accountName: account.name,
      waitingSince: arrived.toISOString(),
    });
    expect(offer.preview.startsWith('Hello, I would like my money back. very long')).toBe(true);
    expect(offer.preview.length).toBeLessThanOrEqual(200);
    expect(offer.preview.endsWith('…')).toBe(true);
  });

  it('lists transfer targets with presence and pause reason, and refuses a transfer to an agent who cannot take it', async () => {
    const account = await seedAccount({ transferEnabled: true, transferToAgent: true });
    const lunch = await platform.db.pauseStatus.create({ data: { name: `Lunch ${account.key}` } });
    const holder = await seedAgent([account.id], 'Hana Holder', { presence: 'online' });
    const online = await seedAgent([account.id], 'Ona Online', { presence: 'online' });
    const paused = await seedAgent([account.id], 'Pia Paused', { presence: 'paused', pauseStatusId: lunch.id });
    const offline = await seedAgent([account.id], 'Otto Offline');
    const { interaction } = await seedInteraction(account.id, 'eve@customer.test', 'Help', 'Please.');
    await platform.db.interaction.update({
      where: { id: interaction.id },
      data: { agentId: holder.id, routingState: 'accepted', routingWorkflowId: `route-test-${interaction.id}` },
    });
    const client = await platform.clientFor(holder.id);

    const targets = await client.get(`/api/interactions/${interaction.id}/transfer-targets`);
    expect(targets.status).toBe(200);
    expect(targets.body.agents).toEqual([
      { id: online.id, name: 'Ona Online', presence: 'online', pauseReason: null, available: true },
      { id: offline.id, name: 'Otto Offline', presence: 'offline', pauseReason: null, available: false },
      { id: paused.id, name: 'Pia Paused', presence: 'paused', pauseReason: `Lunch ${account.key}`, available: false },
    ]);

    for (const [agentId, presence] of [
      [paused.id, 'paused'],
      [offline.id, 'offline'],
    ] as const) {
      const refused = await client.post(`/api/interactions/${interaction.id}/transfer`, { agentId, note: 'Over to you.' });
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toBe(`agent ${agentId} is ${presence} and cannot take a transfer now`);
    }
    // A refused transfer leaves no handover note behind.
    expect(await platform.db.message.count({ where: { interactionId: interaction.id, direction: 'note' } })).toBe(0);
    // Exactly one target, with or without a note.
    const noTarget = await client.post(`/api/interactions/${interaction.id}/transfer`, { note: 'Over to you.' });
    expect(noTarget.status).toBe(400);
    expect(JSON.stringify(noTarget.body)).toContain('agentId');
  });
});
