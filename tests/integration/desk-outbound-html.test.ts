/**
 * An agent's HTML reply end to end (real Temporal, PostgreSQL, Dovecot, SMTP capture): sent as multipart/alternative,
 * the HTML cleaned with the inbound allow-list, the text part made by the server when the client sends none, the
 * account's body template around both; HTML with nothing left to send is refused naming the field.
 */
import { smtpSinks } from '../support/desk-outbound';
import { buildEmail } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

describe('an HTML reply', () => {
  it('goes out as multipart/alternative with the HTML sanitized and a text part derived from it, in the body template', async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp, {
      agentNames: ['Alice Agent'],
      account: { bodyTemplate: { text: '{{message}}\n\n-- {{agent.name}}' } },
    });
    const { account, agent } = routed;
    await routed.deliver(
      buildEmail({ from: 'Carla Customer <carla@customer.test>', to: account.emailAddress, subject: 'Order 42', text: 'Where is it?' }),
    );
    const offer = await acceptNextOffer(agent);
    const replyPath = `/api/interactions/${offer.interactionId}/reply`;

    // Bad input names its field; HTML that is only unsafe content has nothing to send.
    const notText = await agent.post(replyPath, { html: 42 });
    expect(notText.status).toBe(400);
    expect(notText.body.errors).toEqual([expect.objectContaining({ field: 'html' })]);
    const onlyScript = await agent.post(replyPath, { html: '<script>alert(1)</script><p onclick="steal()"> </p>' });
    expect(onlyScript.status).toBe(400);
    expect(onlyScript.body.errors).toEqual([expect.objectContaining({ field: 'html' })]);

    const reply = await agent.post(replyPath, {
      html:
        '<div>Hello <strong>Carla</strong>, <a href="https://shop.test/track/42" onclick="steal()">track it</a>:</div>' +
        '<ul><li>packed</li><li>shipped <em>today</em></li></ul>' +
        '<script>alert(1)</script><blockquote>Where is it?</blockquote>',
      requestId: 'html-reply-1',
    });
    expect(reply.status).toBe(200);
    const [sent] = await smtp.waitForMessages(1, 15_000);
    expect(sent!.raw.toString('latin1')).toMatch(/^Content-Type: multipart\/alternative;/im);
    expect(sent!.html).toContain('Hello <strong>Carla</strong>');
    expect(sent!.html).toContain('<ul><li>packed</li><li>shipped <em>today</em></li></ul>');
    expect(sent!.html).toContain('href="https://shop.test/track/42"');
    expect(sent!.html).not.toMatch(/<script|onclick|alert\(1\)/);
    expect(sent!.text).toBe(
      [
        'Hello Carla, track it <https://shop.test/track/42>:',
        '- packed',
        '- shipped today',
        '',
        '> Where is it?',
        '',
        '-- Alice Agent',
      ].join('\n'),
    );

    // The client's own text part is sent as written beside its HTML.
    const both = await agent.post(replyPath, { html: '<p>Two <strong>words</strong></p>', text: 'Two *words*', requestId: 'html-reply-2' });
    expect(both.status).toBe(200);
    const [, second] = await smtp.waitForMessages(2, 15_000);
    expect(second!.text).toBe('Two *words*\n\n-- Alice Agent');
    expect(second!.html).toContain('<p>Two <strong>words</strong></p>');
  });
});
