/**
 * Reading the returned message of a delivery status report: whole (message/rfc822, as Postfix returns it) or its
 * header only (text/rfc822-headers, as Exchange and others do), and nothing when the report returns none.
 */
import { returnedMessage } from '../../services/bounces';
import { parseEmail } from '../../services/email-parsing';

function report(returnedPart: string | null): Buffer {
  const parts = [
    'Content-Type: text/plain; charset=us-ascii\r\n\r\nYour message could not be delivered.\r\n',
    'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.mail.test\r\n\r\nFinal-Recipient: rfc822; gone@mail.test\r\nAction: failed\r\nStatus: 5.1.1\r\n',
    ...(returnedPart ? [returnedPart] : []),
  ];
  return Buffer.from(
    [
      'Return-Path: <>',
      'From: MAILER-DAEMON@mx.mail.test (Mail Delivery System)',
      'To: support@mail.test',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status;',
      '\tboundary="B/mx.mail.test"',
      '',
      ...parts.map((part) => `--B/mx.mail.test\r\n${part}`),
      '--B/mx.mail.test--',
      '',
    ].join('\r\n'),
  );
}

const RETURNED_HEADER = [
  'From: Support <support@mail.test>',
  'To: gone@mail.test',
  'Subject: Re: Where is my order?',
  'Message-ID: <mailroute.7.abc@mail.test> (our autoreply)',
  'In-Reply-To: <question@customer.test>',
  'References: <first@customer.test>',
  '\t<question@customer.test>',
].join('\r\n');

describe('returnedMessage', () => {
  it('reads the Message-ID and the thread of a whole returned message (message/rfc822)', async () => {
    const parsed = await parseEmail(report(`Content-Type: message/rfc822\r\n\r\n${RETURNED_HEADER}\r\n\r\nThanks, we got it.\r\n`));
    expect(returnedMessage(parsed)).toEqual({
      messageId: '<mailroute.7.abc@mail.test>',
      threadIds: ['<question@customer.test>', '<first@customer.test>'],
    });
  });

  it('reads a returned header only (text/rfc822-headers)', async () => {
    const parsed = await parseEmail(report(`Content-Type: text/rfc822-headers\r\n\r\n${RETURNED_HEADER}\r\n`));
    expect(returnedMessage(parsed)?.messageId).toBe('<mailroute.7.abc@mail.test>');
  });

  it('answers null for a report that returns no message, and no Message-ID for a returned message without one', async () => {
    expect(returnedMessage(await parseEmail(report(null)))).toBeNull();
    const withoutId = await parseEmail(report('Content-Type: message/rfc822\r\n\r\nFrom: a@mail.test\r\nSubject: hi\r\n\r\nbody\r\n'));
    expect(returnedMessage(withoutId)).toEqual({ messageId: null, threadIds: [] });
  });
});
