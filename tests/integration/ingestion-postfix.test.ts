/**
 * Mail as a provider delivers it: a customer's client hands the email to a real MTA (a private Postfix on loopback),
 * Postfix delivers it over LMTP into Dovecot, and mailroute takes it from there to an agent's offer and accept.
 */
import path from 'node:path';
import nodemailer from 'nodemailer';
import { startDovecot, stopDovecot, type DovecotHandle } from '../../scripts/services/dovecot';
import { smtpSinks } from '../support/desk-outbound';
import { uniqueMessageId } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { postfixLog, startPostfix, stopPostfix, type PostfixHandle } from '../support/postfix';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';
import { testEnvironment } from '../support/test-environment';

describe('ingestion of mail delivered by Postfix over LMTP', () => {
  const smtpSink = smtpSinks();
  let platform: TestPlatform;
  let dovecot: DovecotHandle;
  let postfix: PostfixHandle;
  beforeAll(async () => {
    const runDir = testEnvironment().runDir;
    dovecot = await startDovecot({ baseDir: path.join(runDir, `dovecot-lmtp-${process.pid}`), lmtp: true });
    postfix = await startPostfix({
      baseDir: path.join(runDir, `postfix-${process.pid}`),
      lmtp: { host: dovecot.host, port: dovecot.lmtpPort! },
    });
    platform = await startTestPlatform();
  }, 60_000);
  afterAll(async () => {
    await platform?.close();
    if (postfix) await stopPostfix(postfix);
    if (dovecot) await stopDovecot(dovecot);
  });

  it('an email sent over SMTP to the MTA is delivered into the mailbox, ingested and routed to an agent who accepts it', async () => {
    const routed = await createRoutedAccount(platform, await smtpSink(), { dovecot });
    const messageId = uniqueMessageId('customer.test');
    const transport = nodemailer.createTransport({ host: postfix.host, port: postfix.smtpPort, secure: false, ignoreTLS: true });
    const sent = await transport.sendMail({
      from: 'Carla Customer <carla@customer.test>',
      to: `${routed.mailUser.user}@${postfix.domain}`,
      subject: 'Delivered by a real MTA',
      text: 'My order has not arrived.',
      messageId,
    });
    expect(sent.rejected).toEqual([]);

    const offer = await acceptNextOffer(routed.agent).catch(async (error: Error) => {
      throw new Error(
        `${error.message}\n--- Postfix ---\n${await postfixLog(postfix)}\n--- worker ---\n${platform.worker.log.slice(-3000)}`,
      );
    });
    const message = await platform.db.message.findFirstOrThrow({ where: { interactionId: offer.interactionId, direction: 'inbound' } });
    expect(message).toMatchObject({ messageIdHeader: messageId, subject: 'Delivered by a real MTA', fromAddress: 'carla@customer.test' });
    // It came through Postfix: its Received line, and the Return-Path and Delivered-To Dovecot's LMTP adds.
    const headers = message.headers as Record<string, string>;
    expect(headers['received']).toContain(`mx.${postfix.domain}`);
    expect(headers['return-path']).toBe('<carla@customer.test>');
    expect(headers['delivered-to']).toBe(`${routed.mailUser.user}@${postfix.domain}`);
    expect(await postfixLog(postfix)).toMatch(/status=sent \(250 2\.0\.0 <[^>]+> \S+ Saved\)/);
  });
});
