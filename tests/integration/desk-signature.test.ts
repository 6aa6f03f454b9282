/**
 * The agent's signature, end to end (real Temporal, PostgreSQL, Dovecot, SMTP capture): set by the agent in their own
 * settings or by an admin in the user's, put into replies where the account's body template says
 * `{{agent.signature}}` (plain in the text part, escaped in the HTML part), and nothing when there is none.
 */
import { smtpSinks } from '../support/desk-outbound';
import { buildEmail } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

describe('signature', () => {
  it("puts the agent's own signature where the body template says, escaped in HTML, and nothing once it is cleared", async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp, {
      agentNames: ['Alice Agent'],
      account: { bodyTemplate: { text: 'Hello,\n\n{{message}}\n\n{{agent.signature}}\nACME Care' } },
    });
    const { agent, agentId } = routed;

    // The agent's own settings: the signature, nothing else.
    const signature = 'Alice <Agent> & co\nSupport line: 555-0100';
    const saved = await agent.patch('/api/me', { signature });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ id: agentId, signature });
    expect((await agent.get('/api/me')).body.signature).toBe(signature);
    const promotion = await agent.patch('/api/me', { role: 'admin' });
    expect(promotion.status).toBe(400);
    expect((await agent.get('/api/me')).body.role).toBe('agent');
    const tooLong = await agent.patch('/api/me', { signature: 'x'.repeat(2001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: 'signature' })]);

    await routed.deliver(buildEmail({ from: 'carla@customer.test', to: routed.account.emailAddress, subject: 'Order 9', text: 'Hi?' }));
    const { interactionId } = await acceptNextOffer(agent);
    expect((await agent.post(`/api/interactions/${interactionId}/reply`, { text: 'It ships today.' })).status).toBe(200);
    const [first] = await smtp.waitForMessages(1, 15_000);
    expect(first!.text).toBe(`Hello,\n\nIt ships today.\n\n${signature}\nACME Care`);
    expect(first!.html).toContain('It ships today.<br>\n<br>\nAlice &lt;Agent&gt; &amp; co<br>\nSupport line: 555-0100<br>\nACME Care');

    // An admin changes it in the user's settings; the next reply carries the new one.
    const admin = { authorization: `Bearer ${platform.adminToken}` };
    const user = await fetch(`${platform.apiUrl}/api/users/${agentId}`, { headers: admin });
    const changed = await fetch(`${platform.apiUrl}/api/users/${agentId}`, {
      method: 'PATCH',
      headers: { ...admin, 'content-type': 'application/json', 'if-match': user.headers.get('etag')! },
      body: JSON.stringify({ signature: 'Alice, ACME' }),
    });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { signature: string }).signature).toBe('Alice, ACME');
    expect((await agent.post(`/api/interactions/${interactionId}/reply`, { text: 'Tracking: 42.' })).status).toBe(200);
    const second = (await smtp.waitForMessages(2, 15_000))[1]!;
    expect(second.text).toBe('Hello,\n\nTracking: 42.\n\nAlice, ACME\nACME Care');

    // Cleared: the placeholder renders as nothing.
    expect((await agent.patch('/api/me', { signature: '' })).status).toBe(200);
    expect((await agent.post(`/api/interactions/${interactionId}/reply`, { text: 'Delivered.' })).status).toBe(200);
    const third = (await smtp.waitForMessages(3, 15_000))[2]!;
    expect(third.text).toBe('Hello,\n\nDelivered.\n\n\nACME Care');
  });
});
