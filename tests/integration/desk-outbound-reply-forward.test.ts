/**
 * Replies and forwards end to end (real Temporal, PostgreSQL, Dovecot, SMTP capture): the account's body
 * template and canned answers, attachments, threading headers, the Sent folder copy, and header injection refused.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { createImapActivities } from '../../activities/imap';
import { createLogger } from '../../platform/logger';
import { createOAuth2TokenSource } from '../../platform/oauth2';
import { createOutboundGuard, parseOutboundAllowList } from '../../platform/outbound';
import { createSecretBox } from '../../platform/secrets';
import { createIngestAndRoute } from '../../services/ingest-and-route';
import { createStore } from '../../store';
import { closeAndRecord, smtpSinks } from '../support/desk-outbound';
import { buildEmail, listMessages, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';
import { testEnvironment } from '../support/test-environment';

const platform = useTestPlatform();
const sink = smtpSinks();

function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
}

/** The header section of a raw message, one logical line per header field. */
function headerLines(raw: Buffer): string[] {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0]!;
  return head.split(/\r?\n(?![ \t])/);
}

describe('reply', () => {
  it("sends the agent's words with a canned answer and an attachment in the account's body template, threaded, with a copy in Sent", async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp, {
      agentNames: ['Alice Agent'],
      account: {
        bodyTemplate: {
          fontFamily: 'Georgia',
          fontSize: 15,
          text: 'Hello {{customer.name}},\n\n{{message}}\n\n-- {{agent.name}}, ticket {{interaction.id}}',
          logoUrl: 'https://cdn.example.test/logo.png',
        },
      },
    });
    const { account, agent } = routed;
    const globalAnswer = await platform.admin.post('/api/canned-answers', { name: 'Thanks', body: 'Thank you for writing.' });
    expect(globalAnswer.status).toBe(201);
    const ownAnswer = await platform.admin.post('/api/canned-answers', {
      accountId: account.id,
      name: 'In progress',
      body: 'Ticket {{interaction.id}} for {{customer.email}} is in progress.',
    });
    expect(ownAnswer.status).toBe(201);
    const other = await createRoutedAccount(platform, smtp);
    const foreignAnswer = await platform.admin.post('/api/canned-answers', { accountId: other.account.id, name: 'Other', body: 'nope' });
    expect(foreignAnswer.status).toBe(201);

    // The agent's blended list: global and this account's answers, not another account's.
    const blended = await agent.get(`/api/accounts/${account.id}/canned-answers`);
    expect(blended.status).toBe(200);
    const blendedIds = (blended.body.items ?? blended.body).map((answer: { id: number }) => answer.id);
    expect(blendedIds).toEqual(expect.arrayContaining([globalAnswer.body.id, ownAnswer.body.id]));
    expect(blendedIds).not.toContain(foreignAnswer.body.id);

    const customerMessageId = uniqueMessageId('customer.test');
    const earlierReference = uniqueMessageId('customer.test');
    await routed.deliver(
      buildEmail({
        from: 'Carla Customer <carla@customer.test>',
        to: account.emailAddress,
        subject: 'Order 42',
        text: 'Where is order 42?',
        messageId: customerMessageId,
        references: earlierReference,
      }),
    );
    const offer = await acceptNextOffer(agent);

    const foreign = await agent.post(`/api/interactions/${offer.interactionId}/reply`, { cannedAnswerId: foreignAnswer.body.id });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'cannedAnswerId' })]);
    const empty = await agent.post(`/api/interactions/${offer.interactionId}/reply`, { text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'text' })]);

    // A supervisor spying on the thread leaves an internal note: the customer never sees it.
    const note = await platform.admin.post(`/api/interactions/${offer.interactionId}/notes`, { text: 'VIP customer: be generous' });
    expect(note.status).toBe(201);

    const invoice = Buffer.from('%PDF-1.4 invoice 42\n');
    const reply = await agent.post(`/api/interactions/${offer.interactionId}/reply`, {
      text: 'It ships <today>.',
      cannedAnswerId: ownAnswer.body.id,
      attachments: [{ filename: 'invoice-42.pdf', contentType: 'application/pdf', contentBase64: invoice.toString('base64') }],
    });
    expect(reply.status).toBe(200);
    const [sent] = await smtp.waitForMessages(1, 15_000);
    expect(sent!.messageId).toBe(reply.body.messageIdHeader);
    expect(reply.body.messageIdHeader).toMatch(new RegExp(`^<mailroute\\.${offer.interactionId}\\.[0-9a-f]{24}@example\\.test>$`));
    expect(sent!.inReplyTo).toBe(customerMessageId);
    expect(sent!.references).toEqual([earlierReference, customerMessageId]);
    expect(sent!.subject).toBe('Re: Order 42');
    expect(sent!.from).toEqual({ address: account.emailAddress, name: account.name });
    expect(sent!.to).toEqual([{ address: 'carla@customer.test', name: 'Carla Customer' }]);
    expect(sent!.text).toBe(
      `Hello Carla Customer,\n\nIt ships <today>.\n\nTicket ${offer.interactionId} for carla@customer.test is in progress.\n\n` +
        `-- Alice Agent, ticket ${offer.interactionId}`,
    );
    expect(sent!.html).toContain('font-family:Georgia;font-size:15px');
    // A remote logo address (stored by older versions) is never sent: it would tell the sender when the email is read.
    expect(sent!.html).not.toContain('cdn.example.test');
    expect(sent!.html).toContain('It ships &lt;today&gt;.');
    expect(sent!.parsed.attachments.map((attachment) => [attachment.filename, attachment.contentType])).toEqual([
      ['invoice-42.pdf', 'application/pdf'],
    ]);
    expect(sent!.parsed.attachments[0]!.content.equals(invoice)).toBe(true);
    expect(sent!.raw.toString('latin1')).not.toContain('VIP customer');

    // A copy in the mailbox's Sent folder (created, as Dovecot had none), marked \Seen, exactly once.
    const sentFolder = await listMessages(testEnvironment().dovecot, routed.mailUser.user, routed.mailUser.password, 'Sent');
    expect(sentFolder.map((message) => [message.messageId, message.flags])).toEqual([[reply.body.messageIdHeader, ['\\Seen']]]);
    const outbound = await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: reply.body.outboundId } });
    expect(outbound).toMatchObject({ status: 'sent', sentFolder: 'Sent', kind: 'reply' });
    // Appending again (a retry after a lost answer) finds the copy and leaves it alone.
    await platform.db.outboundEmail.update({ where: { id: outbound.id }, data: { sentFolderAt: null } });
    const store = createStore(platform.db);
    const imap = createImapActivities({
      store,
      ingest: createIngestAndRoute({ store, temporal: platform.temporal, taskQueue: platform.taskQueue }),
      secrets: createSecretBox(testEnvironment().secretKey),
      oauth2Tokens: createOAuth2TokenSource({ outbound: createOutboundGuard({ allow: parseOutboundAllowList('') }) }),
      logger: createLogger({ level: 'silent', name: 'test' }),
      maxEmailBytes: 1 << 20,
      maxAttachmentBytes: 1 << 20,
    });
    expect(await imap.appendToSentFolder({ outboundId: outbound.id })).toEqual({ folder: 'Sent', appended: false });
    expect(await listMessages(testEnvironment().dovecot, routed.mailUser.user, routed.mailUser.password, 'Sent')).toHaveLength(1);

    // The same requestId twice sends once.
    const again = { text: 'Once only.', requestId: 'retry-request-0001' };
    const first = await agent.post(`/api/interactions/${offer.interactionId}/reply`, again);
    const second = await agent.post(`/api/interactions/${offer.interactionId}/reply`, again);
    expect(second.body).toEqual(first.body);
    await smtp.waitForMessages(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages.map((message) => message.messageId)).toEqual([reply.body.messageIdHeader, first.body.messageIdHeader]);

    // The thread shows the sent reply, and the routing history says so.
    const detail = await agent.get(`/api/interactions/${offer.interactionId}`);
    expect(detail.body.messages.map((message: { direction: string }) => message.direction)).toEqual([
      'inbound',
      'note',
      'outbound',
      'outbound',
    ]);
    expect(detail.body.events.map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['reply-sent']));
    await closeAndRecord(
      platform,
      agent,
      offer.interactionId,
      routed.dispositionId,
      'route-email-reply-template-canned-attachment-sent-folder',
    );
  });
});

describe('forward', () => {
  it("forwards with the customer's message and its attachments by the account's default, and without them when asked", async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp, { account: { includeMessageOnForward: true } });
    const { account, agent } = routed;
    const photo = Buffer.from('not really a jpeg');
    await routed.deliver(
      await compose({
        from: 'Dora Customer <dora@customer.test>',
        to: account.emailAddress,
        subject: 'Broken parcel',
        text: 'The parcel arrived broken, photo attached.',
        html: '<p>The parcel arrived <b>broken</b>, photo attached.</p><script>alert(1)</script>',
        messageId: uniqueMessageId('customer.test'),
        attachments: [
          { filename: 'parcel.jpg', contentType: 'image/jpeg', content: photo },
          { filename: '../../../etc/Rechnung (März).pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4') },
        ],
      }),
    );
    const offer = await acceptNextOffer(agent);

    // The customer's attachment downloads as sent, for the account's agents only.
    const detail = await agent.get(`/api/interactions/${offer.interactionId}`);
    const [stored, invoice] = detail.body.messages[0].attachments;
    expect(stored).toMatchObject({ filename: 'parcel.jpg', contentType: 'image/jpeg', size: photo.length });
    const download = await fetch(`${platform.apiUrl}/api/interactions/${offer.interactionId}/attachments/${stored.id}`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="parcel.jpg"; filename*=UTF-8''parcel.jpg`);
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await download.arrayBuffer()).equals(photo)).toBe(true);
    // A name that climbs directories is saved as its last segment only (RFC 6266: an ASCII name, and the exact one).
    expect(invoice.filename).toBe('../../../etc/Rechnung (März).pdf');
    const invoiceDownload = await fetch(`${platform.apiUrl}/api/interactions/${offer.interactionId}/attachments/${invoice.id}`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(invoiceDownload.headers.get('content-disposition')).toBe(
      `attachment; filename="Rechnung (M_rz).pdf"; filename*=UTF-8''Rechnung%20%28M%C3%A4rz%29.pdf`,
    );
    const stranger = await createRoutedAccount(platform, smtp);
    expect((await stranger.agent.get(`/api/interactions/${offer.interactionId}/attachments/${stored.id}`)).status).toBe(404);

    const withMessage = await agent.post(`/api/interactions/${offer.interactionId}/forward`, {
      to: [{ name: 'Claims Desk', address: 'claims@carrier.test' }],
      cc: [{ address: 'quality@shop.test' }],
      text: 'Please open a claim.',
    });
    expect(withMessage.status).toBe(200);
    const [forwarded] = await smtp.waitForMessages(1, 15_000);
    expect(forwarded!.subject).toBe('Fwd: Broken parcel');
    expect(forwarded!.to).toEqual([{ address: 'claims@carrier.test', name: 'Claims Desk' }]);
    expect(forwarded!.cc).toEqual([{ address: 'quality@shop.test', name: '' }]);
    expect(forwarded!.envelope.rcptTo).toEqual(['claims@carrier.test', 'quality@shop.test']);
    expect(forwarded!.inReplyTo).toBeUndefined();
    expect(forwarded!.text).toContain('Please open a claim.');
    expect(forwarded!.text).toContain('---------- Forwarded message ---------');
    expect(forwarded!.text).toContain('From: Dora Customer <dora@customer.test>');
    expect(forwarded!.text).toContain('The parcel arrived broken, photo attached.');
    expect(forwarded!.html).toContain('<b>broken</b>');
    expect(forwarded!.html).not.toContain('<script');
    expect(forwarded!.parsed.attachments.map((attachment) => attachment.filename)).toEqual(['parcel.jpg', 'Rechnung (März).pdf']);
    expect(forwarded!.parsed.attachments[0]!.content.equals(photo)).toBe(true);

    const withoutMessage = await agent.post(`/api/interactions/${offer.interactionId}/forward`, {
      to: [{ address: 'claims@carrier.test' }],
      text: 'Just a heads-up, no details.',
      includePreviousMessage: false,
    });
    expect(withoutMessage.status).toBe(200);
    const [, bare] = await smtp.waitForMessages(2, 15_000);
    expect(bare!.text?.trim()).toBe('Just a heads-up, no details.');
    expect(bare!.text).not.toContain('Forwarded message');
    expect(bare!.parsed.attachments).toEqual([]);

    const sentFolder = await listMessages(testEnvironment().dovecot, routed.mailUser.user, routed.mailUser.password, 'Sent');
    expect(sentFolder.map((message) => message.messageId)).toEqual([withMessage.body.messageIdHeader, withoutMessage.body.messageIdHeader]);
    const events = await platform.db.routingEvent.findMany({ where: { interactionId: offer.interactionId, type: 'forward-sent' } });
    expect(events).toHaveLength(2);
    await closeAndRecord(platform, agent, offer.interactionId, routed.dispositionId, 'route-email-forward-with-and-without-message');
  });
});

describe('outbound headers', () => {
  it('cannot be injected through the customer subject or name, forward recipients, or extra headers', async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp);
    const encoded = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
    const raw = buildEmail({ from: 'x@customer.test', to: routed.account.emailAddress, subject: 'placeholder', text: 'Hi' })
      .replace(/^Subject: placeholder$/m, `Subject: ${encoded('Help\r\nBcc: evil@attacker.test')}`)
      .replace(/^From: x@customer.test$/m, `From: ${encoded('Eve\r\nList-Unsubscribe: <mailto:evil@attacker.test>')} <eve@customer.test>`);
    await routed.deliver(raw);
    const offer = await acceptNextOffer(routed.agent);

    const reply = await routed.agent.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'Sure.' });
    expect(reply.status).toBe(200);
    const [sent] = await smtp.waitForMessages(1, 15_000);
    const lines = headerLines(sent!.raw);
    expect(lines.filter((line) => /^(bcc|list-unsubscribe):/i.test(line))).toEqual([]);
    expect(sent!.envelope.rcptTo).toEqual(['eve@customer.test']);
    expect(sent!.subject).toBe('Re: Help Bcc: evil@attacker.test');

    const injectedName = await routed.agent.post(`/api/interactions/${offer.interactionId}/forward`, {
      to: [{ name: 'Claims\r\nBcc: evil@attacker.test', address: 'claims@carrier.test' }],
      text: 'x',
    });
    expect(injectedName.status).toBe(400);
    expect(injectedName.body.errors).toEqual([expect.objectContaining({ field: 'to.0.name' })]);
    const extraHeader = await routed.agent.post(`/api/interactions/${offer.interactionId}/reply`, {
      text: 'x',
      headers: { 'List-Unsubscribe': '<mailto:evil@attacker.test>' },
    });
    expect(extraHeader.status).toBe(400);
    const badAddress = await routed.agent.post(`/api/interactions/${offer.interactionId}/forward`, {
      to: [{ address: 'claims@carrier.test\r\nBcc: evil@attacker.test' }],
      text: 'x',
    });
    expect(badAddress.status).toBe(400);
    expect(smtp.messages).toHaveLength(1);
  });
});
