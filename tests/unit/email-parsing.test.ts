/**
 * Reading raw emails: encoded words in UTF-7 (still sent by some old clients and gateways) are decoded in the
 * message's headers and its parts' headers (attachment names); a UTF-7 body is left as it is; a second delivery of
 * one email has the same content digest, another email with the same Message-ID does not.
 */
import { contentDigest, parseEmail } from '../../services/email-parsing';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

describe('email parsing', () => {
  it('decodes UTF-7 encoded words in headers and attachment names, Q and B', async () => {
    const parsed = await parseEmail(
      crlf([
        'From: =?UTF-7?Q?Ren+AOk-?= <rene@customer.test>',
        'To: support@example.test',
        'Subject: =?utf-7?B?K0FPay0=?= and =?UTF-7?Q?Gr+APw-+AN8-e?=',
        'Message-ID: <u7@customer.test>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hello',
        '--b',
        'Content-Type: application/pdf; name="=?UTF-7?Q?R+AOk-sum+AOk-.pdf?="',
        'Content-Disposition: attachment; filename="=?UTF-7?Q?R+AOk-sum+AOk-.pdf?="',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4').toString('base64'),
        '--b--',
        '',
      ]),
    );
    expect(parsed.subject).toBe('é and Grüße');
    expect(parsed.from?.value[0]).toEqual({ address: 'rene@customer.test', name: 'René' });
    expect(parsed.attachments.map((attachment) => attachment.filename)).toEqual(['Résumé.pdf']);
    expect(parsed.text?.trim()).toBe('Hello');
  });

  it('leaves a UTF-7 body undecoded (a way to smuggle markup past filters)', async () => {
    const parsed = await parseEmail(crlf(['Subject: body', 'Content-Type: text/plain; charset=utf-7', '', 'a +ADw-b+AD4-', '']));
    expect(parsed.text?.trim()).toBe('a +ADw-b+AD4-');
  });

  it('gives two deliveries of one email the same content digest, and other content another', () => {
    const email = ['Message-ID: <same@customer.test>', 'Subject: Order', '', 'Where is it?', ''];
    const delivered = crlf(['Received: from a by b; Sun, 29 Nov 2026 10:00:00 +0000', 'Delivered-To: sales@example.test', ...email]);
    expect(contentDigest(delivered)).toBe(contentDigest(crlf(email)));
    expect(contentDigest(crlf(['Message-ID: <same@customer.test>', 'Subject: Order', '', 'Another question', '']))).not.toBe(
      contentDigest(crlf(email)),
    );
  });
});
