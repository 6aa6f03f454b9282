/**
 * Read and unread on the agent's interactions, end to end (real Temporal, PostgreSQL, Dovecot): the holder opening it
 * marks it read, a supervisor's spying does not, "Mark unread" / "Mark read" by the holder or a supervisor (another
 * agent is refused), and a new customer message makes it unread again.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { smtpSinks } from '../support/desk-outbound';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform, type ApiClient } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

const readOf = async (id: number) => (await platform.db.interaction.findUniqueOrThrow({ where: { id } })).read;

/** The ids the caller's list shows with this read state among their open interactions. */
async function listed(client: ApiClient, agentId: number, read: boolean): Promise<number[]> {
  const page = await client.post('/api/interactions/search', { agentId, status: 'open', read });
  expect(page.status).toBe(200);
  return page.body.items.map((row: { id: number }) => row.id);
}

describe('read and unread', () => {
  it('is read when its holder opens it, not when a supervisor spies; marked unread and read on demand; unread again when the customer writes', async () => {
    const routed = await createRoutedAccount(platform, await sink(), {
      people: [{ name: 'Alice Holder' }, { name: 'Bruno Colleague', inQueue: false }, { name: 'Sara Supervisor', role: 'supervisor' }],
    });
    const [alice, bruno] = routed.agents;
    const [sara] = routed.supervisors;
    const firstMessageId = uniqueMessageId('customer.test');
    await routed.deliver(
      buildEmail({
        from: 'carla@customer.test',
        to: routed.account.emailAddress,
        subject: 'Order 7',
        text: 'Where?',
        messageId: firstMessageId,
      }),
    );
    const { interactionId } = await acceptNextOffer(alice!.client);

    // Marked unread by its holder, it is listed as unread.
    const unread = await alice!.client.put(`/api/interactions/${interactionId}/read`, { read: false });
    expect(unread.status).toBe(200);
    expect(unread.body).toEqual({ id: interactionId, read: false });
    expect(await listed(alice!.client, alice!.id, false)).toEqual([interactionId]);

    // A supervisor spying, or a colleague of the account reading it, leaves it unread.
    expect((await sara!.client.get(`/api/interactions/${interactionId}`)).body.read).toBe(false);
    expect((await bruno!.client.get(`/api/interactions/${interactionId}`)).body.read).toBe(false);
    expect(await readOf(interactionId)).toBe(false);
    // Only the holder (or a supervisor) marks it: a colleague is refused and changes nothing.
    const refused = await bruno!.client.put(`/api/interactions/${interactionId}/read`, { read: true });
    expect(refused.status).toBe(403);
    expect(await readOf(interactionId)).toBe(false);
    expect((await alice!.client.put(`/api/interactions/${interactionId}/read`, { read: 'yes' })).body.errors).toEqual([
      expect.objectContaining({ field: 'read' }),
    ]);

    // The holder opens it: read.
    const opened = await alice!.client.get(`/api/interactions/${interactionId}`);
    expect(opened.status).toBe(200);
    expect(opened.body.read).toBe(true);
    expect(await readOf(interactionId)).toBe(true);
    expect(await listed(alice!.client, alice!.id, true)).toEqual([interactionId]);
    expect(await listed(alice!.client, alice!.id, false)).toEqual([]);

    // The customer writes again: unread until the holder opens it again.
    await routed.deliver(
      buildEmail({
        from: 'carla@customer.test',
        to: routed.account.emailAddress,
        subject: 'Re: Order 7',
        text: 'Any news?',
        inReplyTo: firstMessageId,
        references: firstMessageId,
      }),
    );
    await waitFor('the second message in the thread', async () => (await platform.db.message.count({ where: { interactionId } })) === 2, {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    expect(await readOf(interactionId)).toBe(false);
    expect(await listed(alice!.client, alice!.id, false)).toEqual([interactionId]);
    expect((await alice!.client.get(`/api/interactions/${interactionId}`)).body.read).toBe(true);

    // A supervisor may mark it either way.
    expect((await sara!.client.put(`/api/interactions/${interactionId}/read`, { read: false })).status).toBe(200);
    expect(await readOf(interactionId)).toBe(false);
    expect((await sara!.client.put(`/api/interactions/${interactionId}/read`, { read: true })).status).toBe(200);
    expect(await readOf(interactionId)).toBe(true);
  });
});
