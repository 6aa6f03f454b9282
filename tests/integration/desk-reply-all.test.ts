/**
 * Reply all, Cc and Bcc end to end (real Temporal, PostgreSQL, Dovecot, SMTP capture): the customer's Cc's are kept
 * without the account's own address or its aliases, the agent may edit the recipients, Bcc reaches the SMTP envelope
 * and never the message, and every recipient field refuses what could inject a header.
 */
import { closeAndRecord, smtpSinks } from '../support/desk-outbound';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

const addresses = (list: Array<{ address: string }>) => list.map((entry) => entry.address);

describe('reply all', () => {
  it("answers the customer and keeps their Cc's (not the account's own address or its aliases, each once); Bcc is delivered, never named", async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp);
    const { account, agent } = routed;
    const [local, domain] = account.emailAddress.split('@') as [string, string];
    const customerMessageId = uniqueMessageId('customer.test');
    await routed.deliver(
      buildEmail({
        from: 'Erin Customer <erin@customer.test>',
        to: [account.emailAddress, 'Frank Colleague <frank@customer.test>'],
        cc: [
          `${local}+billing@${domain}`,
          'gina@partner.test',
          'FRANK@customer.test',
          account.emailAddress.toUpperCase(),
          'erin@customer.test',
        ],
        subject: 'Invoice 7',
        text: 'Please check invoice 7.',
        messageId: customerMessageId,
      }),
    );
    const offer = await acceptNextOffer(agent);
    const reply = `/api/interactions/${offer.interactionId}/reply`;

    // What the composer shows before the agent edits it.
    const suggested = await agent.get(`/api/interactions/${offer.interactionId}/reply-recipients`);
    expect(suggested.status).toBe(200);
    const customer = { name: 'Erin Customer', address: 'erin@customer.test' };
    expect(suggested.body).toEqual({
      reply: { to: [customer], cc: [] },
      replyAll: { to: [customer], cc: [{ name: 'Frank Colleague', address: 'frank@customer.test' }, { address: 'gina@partner.test' }] },
    });

    // Every recipient field refuses a line break in a name and anything that is not an address, naming the field.
    for (const field of ['to', 'cc', 'bcc']) {
      const injected = await agent.post(reply, { text: 'x', [field]: [{ name: 'Evil\r\nBcc: victim@evil.test', address: 'a@b.test' }] });
      expect(injected.status).toBe(400);
      expect(injected.body.errors).toEqual([expect.objectContaining({ field: `${field}.0.name` })]);
      const notAnAddress = await agent.post(reply, { text: 'x', [field]: [{ address: 'victim@evil.test\r\nBcc: x@evil.test' }] });
      expect(notAnAddress.status).toBe(400);
      expect(notAnAddress.body.errors).toEqual([expect.objectContaining({ field: `${field}.0.address` })]);
    }
    const headers = await agent.post(reply, { text: 'x', headers: { Bcc: 'victim@evil.test' } });
    expect(headers.status).toBe(400);
    expect(smtp.messages).toHaveLength(0);

    const sent = await agent.post(reply, {
      text: 'Checked: invoice 7 is correct.',
      replyAll: true,
      bcc: [{ name: 'Audit', address: 'audit@company.test' }],
    });
    expect(sent.status).toBe(200);
    const [email] = await smtp.waitForMessages(1, 15_000);
    expect(email!.messageId).toBe(sent.body.messageIdHeader);
    expect(email!.inReplyTo).toBe(customerMessageId);
    expect(email!.subject).toBe('Re: Invoice 7');
    expect(email!.to).toEqual([customer]);
    expect(email!.cc).toEqual([
      { name: 'Frank Colleague', address: 'frank@customer.test' },
      { name: '', address: 'gina@partner.test' },
    ]);
    expect(email!.envelope.rcptTo).toEqual(['erin@customer.test', 'frank@customer.test', 'gina@partner.test', 'audit@company.test']);
    expect(email!.headers.has('bcc')).toBe(false);
    expect(email!.raw.toString('latin1')).not.toMatch(/audit@company\.test/i);

    // Kept on the outbound row and shown in the thread.
    const outbound = await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: sent.body.outboundId } });
    expect(outbound.envelope).toMatchObject({ bcc: [{ name: 'Audit', address: 'audit@company.test' }] });
    const detail = await agent.get(`/api/interactions/${offer.interactionId}`);
    const shown = detail.body.messages.find((message: { direction: string }) => message.direction === 'outbound');
    expect(addresses(shown.ccAddresses)).toEqual(['frank@customer.test', 'gina@partner.test']);
    expect(shown.bccAddresses).toEqual([{ name: 'Audit', address: 'audit@company.test' }]);

    // The agent's own recipients replace the defaults: only Gina, nobody in copy.
    const edited = await agent.post(reply, { text: 'Only for you, Gina.', replyAll: true, to: [{ address: 'gina@partner.test' }], cc: [] });
    expect(edited.status).toBe(200);
    const [, second] = await smtp.waitForMessages(2, 15_000);
    expect(addresses(second!.to)).toEqual(['gina@partner.test']);
    expect(second!.cc).toEqual([]);
    expect(second!.envelope.rcptTo).toEqual(['gina@partner.test']);

    // A forward takes Bcc too.
    const forwarded = await agent.post(`/api/interactions/${offer.interactionId}/forward`, {
      to: [{ address: 'claims@carrier.test' }],
      bcc: [{ address: 'audit@company.test' }],
      text: 'For your records.',
    });
    expect(forwarded.status).toBe(200);
    const [, , third] = await smtp.waitForMessages(3, 15_000);
    expect(third!.envelope.rcptTo).toEqual(['claims@carrier.test', 'audit@company.test']);
    expect(third!.raw.toString('latin1')).not.toMatch(/audit@company\.test/i);

    await closeAndRecord(platform, agent, offer.interactionId, routed.dispositionId, 'route-email-reply-all-cc-bcc');
  });
});
