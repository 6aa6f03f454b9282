/**
 * The SMTP capture server the tests send to (tests/support/smtp-sink.ts): what it records of each message, and
 * its hooks before and after the server's 250.
 */
import nodemailer from 'nodemailer';
import { eventually } from '../support/eventually';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

jest.setTimeout(60_000);

describe('SMTP sink', () => {
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await sink?.close();
    sink = undefined;
  });

  function transport(target: SmtpSink, auth = true) {
    return nodemailer.createTransport({
      host: target.host,
      port: target.port,
      secure: false,
      ignoreTLS: true,
      ...(auth ? { auth: { user: 'agent@mailroute.test', pass: 'anything' } } : {}),
    });
  }

  test('captures a nodemailer message with its threading headers, envelope and AUTH user', async () => {
    sink = await startSmtpSink();
    const messageId = uniqueMessageId();
    const parent = uniqueMessageId();
    const root = uniqueMessageId();

    await transport(sink).sendMail({
      from: 'Support <support@mailroute.test>',
      to: ['customer@example.test', 'Other <other@example.test>'],
      subject: 'Re: Where is my parcel?',
      text: 'It is on its way.',
      html: '<p>It is on its way.</p>',
      messageId,
      inReplyTo: parent,
      references: [root, parent],
      headers: { 'X-Mailroute-Interaction': '42' },
      envelope: { from: 'bounces@mailroute.test', to: ['customer@example.test', 'other@example.test'] },
    });

    const [email] = await sink.waitForMessages(1, 5_000);
    expect(email).toBeDefined();
    if (!email) return;
    expect(email.messageId).toBe(messageId);
    expect(email.inReplyTo).toBe(parent);
    expect(email.references).toEqual([root, parent]);
    expect(email.subject).toBe('Re: Where is my parcel?');
    expect(email.from).toEqual({ address: 'support@mailroute.test', name: 'Support' });
    expect(email.to.map((a) => a.address)).toEqual(['customer@example.test', 'other@example.test']);
    expect(email.text?.trim()).toBe('It is on its way.');
    expect(email.html).toContain('<p>It is on its way.</p>');
    expect(email.headers.get('x-mailroute-interaction')).toBe('42');
    expect(email.envelope).toEqual({
      mailFrom: 'bounces@mailroute.test',
      rcptTo: ['customer@example.test', 'other@example.test'],
    });
    expect(email.authUser).toBe('agent@mailroute.test');
    expect(email.accepted).toBe(true);
    expect(email.raw.toString('utf8')).toContain(`Message-ID: ${messageId}`);
  });

  test('accepts mail without AUTH and parses messages built by buildEmail', async () => {
    sink = await startSmtpSink();
    const messageId = uniqueMessageId();
    const raw = buildEmail({
      from: 'Zoë <zoe@example.test>',
      to: 'support@mailroute.test',
      subject: 'Grüße aus Köln',
      text: 'Ça va?',
      html: '<b>Ça va?</b>',
      messageId,
      inReplyTo: 'parent@example.test',
      references: ['root@example.test', 'parent@example.test'],
      headers: { 'X-Custom': 'yes' },
    });
    await transport(sink, false).sendMail({
      envelope: { from: 'zoe@example.test', to: ['support@mailroute.test'] },
      raw,
    });
    const [email] = await sink.waitForMessages(1, 5_000);
    expect(email?.authUser).toBeUndefined();
    expect(email?.messageId).toBe(messageId);
    expect(email?.inReplyTo).toBe('<parent@example.test>');
    expect(email?.references).toEqual(['<root@example.test>', '<parent@example.test>']);
    expect(email?.subject).toBe('Grüße aus Köln');
    expect(email?.from).toEqual({ address: 'zoe@example.test', name: 'Zoë' });
    expect(email?.text?.trim()).toBe('Ça va?');
    expect(email?.html).toContain('<b>Ça va?</b>');
    expect(email?.headers.get('x-custom')).toBe('yes');
    expect(email?.headers.get('mime-version')).toBe('1.0');
    expect(email?.headers.get('date')).toBeInstanceOf(Date);
  });

  test('beforeAccept runs before the reply and can reject the message or drop the connection', async () => {
    let clientHasReply = false;
    let clientHadReplyDuringHook: boolean | undefined;
    let mode: 'reject' | 'drop' | 'hold' = 'reject';
    sink = await startSmtpSink({
      async beforeAccept(_email, context) {
        if (mode === 'reject') throw Object.assign(new Error('try again later'), { responseCode: 451 });
        if (mode === 'drop') return context.dropConnection();
        await new Promise((resolve) => setTimeout(resolve, 300));
        clientHadReplyDuringHook = clientHasReply;
      },
    });
    const message = { from: 'a@mailroute.test', to: 'b@example.test', subject: 'x', text: 'x' };

    await expect(transport(sink).sendMail(message)).rejects.toMatchObject({ responseCode: 451 });
    mode = 'drop';
    await expect(transport(sink).sendMail(message)).rejects.toThrow();
    mode = 'hold';
    await transport(sink).sendMail(message);
    clientHasReply = true;

    expect(clientHadReplyDuringHook).toBe(false);
    expect(sink.messages.map((m) => m.accepted)).toEqual([false, false, true]);
  });

  test('afterAccept runs after the 250 reply has been sent, without holding it up', async () => {
    let afterAcceptCalls = 0;
    let mode: 'drop' | 'hang' = 'drop';
    sink = await startSmtpSink({
      afterAccept(_email, context) {
        afterAcceptCalls += 1;
        // Dropping the connection here cannot take back the 250 that was already sent…
        if (mode === 'drop') return context.dropConnection();
        return new Promise<void>(() => undefined); // …and a hook that never settles does not delay it
      },
    });
    const message = { from: 'a@mailroute.test', to: 'b@example.test', subject: 'x', text: 'x' };
    const first = await transport(sink).sendMail(message);
    expect(first.response).toMatch(/^250 /);
    mode = 'hang';
    const second = await transport(sink).sendMail(message);
    expect(second.response).toMatch(/^250 /);
    await eventually(
      async () => afterAcceptCalls,
      (calls) => calls === 2,
    );
    expect(sink.messages.map((m) => m.accepted)).toEqual([true, true]);
  });

  test('waitForMessages rejects when not enough mail arrives in time', async () => {
    sink = await startSmtpSink();
    await expect(sink.waitForMessages(1, 200)).rejects.toThrow(/expected 1 message/);
  });
});
