/**
 * An email whose delivery is unknown (the worker died while the SMTP server had it) is settled, never left open:
 * found in the Sent folder where the provider filed it, or resent, marked sent or discarded by the holder or a
 * supervisor from the desk. It never blocks closing. Real Temporal, PostgreSQL, Dovecot and an SMTP capture.
 */
import { Pool } from 'pg';
import { replyUpdate } from '../../contracts/route-email';
import { settleUncertainSendWorkflowId } from '../../contracts/settle-uncertain-send';
import { failureReason } from '../../domain/errors';
import { waitFor } from '../../scripts/services/process-tools';
import { holdRowAcross250, smtpSinks, workflowIdOf } from '../support/desk-outbound';
import { recordHistoryIfAsked } from '../support/histories';
import { buildEmail, withImapClient } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount, type RoutedAccount } from '../support/routed-account';
import type { SmtpSink } from '../support/smtp-sink';
import { testEnvironment } from '../support/test-environment';

let platform: TestPlatform;
let pool: Pool;
beforeAll(async () => {
  platform = await startTestPlatform();
  pool = new Pool({ connectionString: testEnvironment().databaseUrl, max: 4 });
});
afterAll(async () => {
  await platform?.close();
  await pool?.end();
});
const sink = smtpSinks();

/**
 * A reply the SMTP server accepts while its outbox row is held locked, then the worker is SIGKILLed: the attempt
 * that follows finds the row past DATA with no answer recorded, so the reply is uncertain.
 */
async function uncertainReply(
  subject: string,
): Promise<{ routed: RoutedAccount; smtp: SmtpSink; interactionId: number; outboundId: number }> {
  const window = holdRowAcross250(pool);
  const smtp = await sink(window.options);
  const routed = await createRoutedAccount(platform, smtp, {
    people: [{ name: 'Holder' }, { name: 'Colleague', inQueue: false }, { name: 'Sue', role: 'supervisor' }],
  });
  await routed.deliver(buildEmail({ from: 'ivy@customer.test', to: routed.account.emailAddress, subject, text: 'Hello?' }));
  const offer = await acceptNextOffer(routed.agent);
  const handle = platform.temporal.workflow.getHandle(await workflowIdOf(platform, offer.interactionId));
  const replying = handle
    .executeUpdate(replyUpdate, {
      args: [{ agentId: routed.agentId, requestId: `uncertain-${subject}`, text: 'Here you are.', sendTimeoutSeconds: 5 }],
    })
    .then(
      () => 'completed',
      (error: Error) => `failed: ${failureReason(error)}`,
    );
  await window.held;
  await platform.worker.kill();
  await window.release();
  await platform.worker.start();
  expect(await replying).toMatch(/may already have been delivered/);
  const outbound = await platform.db.outboundEmail.findFirstOrThrow({ where: { interactionId: offer.interactionId } });
  expect(outbound.status).toBe('uncertain');
  return { routed, smtp, interactionId: offer.interactionId, outboundId: outbound.id };
}

async function eventTypes(interactionId: number): Promise<string[]> {
  const events = await platform.db.routingEvent.findMany({ where: { interactionId }, orderBy: { id: 'asc' } });
  return events.map((event) => event.type);
}

it('is found in the Sent folder where the provider filed it, and joins the thread as sent', async () => {
  const { routed, smtp, interactionId, outboundId } = await uncertainReply('Filed by the provider');
  // The provider (as Gmail does) files what it accepted in the Sent folder.
  const accepted = smtp.messages[0]!;
  await withImapClient(testEnvironment().dovecot, routed.mailUser.user, routed.mailUser.password, async (client) => {
    if (!(await client.list()).some((folder) => folder.path === 'Sent')) await client.mailboxCreate('Sent');
    await client.append('Sent', accepted.raw, ['\\Seen']);
  });

  await waitFor(
    'the uncertain reply found in the Sent folder',
    async () => (await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: outboundId } })).resolution === 'found-in-sent-folder',
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  const outbound = await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: outboundId } });
  expect(outbound).toMatchObject({ status: 'sent', resolvedById: null, sentFolder: 'Sent' });
  const detail = (await routed.agent.get(`/api/interactions/${interactionId}`)).body;
  expect(detail.uncertainSends).toEqual([]);
  expect(detail.messages.filter((message: { direction: string }) => message.direction === 'outbound')).toEqual([
    expect.objectContaining({ messageIdHeader: accepted.messageId }),
  ]);
  const settling = await platform.temporal.workflow.getHandle(settleUncertainSendWorkflowId(outboundId)).result();
  expect(settling).toMatchObject({ outboundId, resolution: 'found-in-sent-folder' });
  expect(await eventTypes(interactionId)).toEqual(expect.arrayContaining(['send-uncertain', 'send-resolved']));
  recordHistoryIfAsked(settleUncertainSendWorkflowId(outboundId), 'settle-uncertain-send-found-in-sent-folder');
  expect(smtp.messages).toHaveLength(1);
});

it('is shown on the desk and resent by its holder as a new email; it never blocks closing', async () => {
  const { routed, smtp, interactionId, outboundId } = await uncertainReply('Resend it');
  const detail = (await routed.agent.get(`/api/interactions/${interactionId}`)).body;
  expect(detail.uncertainSends).toEqual([
    expect.objectContaining({
      outboundId,
      kind: 'reply',
      authorId: routed.agentId,
      subject: 'Re: Resend it',
      to: [expect.objectContaining({ address: 'ivy@customer.test' })],
    }),
  ]);

  // A colleague of the account who neither holds it nor wrote it may not; an email of another interaction is not found.
  const colleague = routed.agents[1]!.client;
  expect((await colleague.post(`/api/interactions/${interactionId}/uncertain-sends/${outboundId}`, { decision: 'resend' })).status).toBe(
    403,
  );
  expect((await routed.agent.post(`/api/interactions/${interactionId}/uncertain-sends/999999`, { decision: 'resend' })).status).toBe(404);
  expect((await routed.agent.post(`/api/interactions/${interactionId}/uncertain-sends/${outboundId}`, { decision: 'later' })).status).toBe(
    400,
  );

  // Closing clears the interaction's routing workflow id: read it before.
  const routingWorkflowId = await workflowIdOf(platform, interactionId);
  const resent = await routed.agent.post(`/api/interactions/${interactionId}/uncertain-sends/${outboundId}`, { decision: 'resend' });
  expect(resent.status).toBe(200);
  expect(resent.body).toMatchObject({ outboundId, resolution: 'resent', resentAs: { status: 'sent', error: null } });
  const again = await routed.agent.post(`/api/interactions/${interactionId}/uncertain-sends/${outboundId}`, { decision: 'mark-sent' });
  expect(again.status).toBe(409);

  // The customer got a second email with its own Message-ID; the thread shows it, the desk asks nothing more.
  expect(smtp.messages).toHaveLength(2);
  const [first, second] = smtp.messages;
  expect(second!.messageId).not.toBe(first!.messageId);
  expect(second!.subject).toBe(first!.subject);
  const after = (await routed.agent.get(`/api/interactions/${interactionId}`)).body;
  expect(after.uncertainSends).toEqual([]);
  expect(after.messages.filter((message: { direction: string }) => message.direction === 'outbound')).toEqual([
    expect.objectContaining({ messageIdHeader: second!.messageId }),
  ]);
  expect((await routed.agent.post(`/api/interactions/${interactionId}/close`, { dispositionId: routed.dispositionId })).body).toEqual({
    state: 'closed',
  });
  await platform.temporal.workflow.getHandle(routingWorkflowId).result();
  recordHistoryIfAsked(routingWorkflowId, 'route-email-reply-uncertain-then-closed');
  recordHistoryIfAsked(settleUncertainSendWorkflowId(outboundId), 'settle-uncertain-send-resend');
});

it('is marked sent, or discarded, by a supervisor; the email that counts as sent joins the thread', async () => {
  const { routed, smtp, interactionId, outboundId } = await uncertainReply('Mark it');
  const supervisor = routed.supervisors[0]!.client;
  // Closed first: settling does not need the interaction open.
  expect((await routed.agent.post(`/api/interactions/${interactionId}/close`, { dispositionId: routed.dispositionId })).body).toEqual({
    state: 'closed',
  });
  const marked = await supervisor.post(`/api/interactions/${interactionId}/uncertain-sends/${outboundId}`, { decision: 'mark-sent' });
  expect(marked.status).toBe(200);
  expect(marked.body).toEqual({ outboundId, resolution: 'marked-sent', resentAs: null });
  const outbound = await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: outboundId } });
  expect(outbound).toMatchObject({ status: 'sent', resolution: 'marked-sent', resolvedById: routed.supervisors[0]!.id });
  const detail = (await supervisor.get(`/api/interactions/${interactionId}`)).body;
  expect(detail.messages.filter((message: { direction: string }) => message.direction === 'outbound')).toEqual([
    expect.objectContaining({ messageIdHeader: outbound.messageIdHeader, subject: 'Re: Mark it' }),
  ]);
  expect(smtp.messages).toHaveLength(1);

  // A row left uncertain with no settling run (one from before settling existed): discarding starts the run.
  const other = await platform.db.outboundEmail.create({
    data: {
      interactionId,
      accountId: outbound.accountId,
      kind: 'reply',
      authorId: routed.agentId,
      messageIdHeader: `<older-${outboundId}@test.invalid>`,
      status: 'uncertain',
      envelope: outbound.envelope as object,
    },
  });
  const discarded = await supervisor.post(`/api/interactions/${interactionId}/uncertain-sends/${other.id}`, { decision: 'discard' });
  expect(discarded.status).toBe(200);
  expect(discarded.body).toEqual({ outboundId: other.id, resolution: 'discarded', resentAs: null });
  expect(await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({
    status: 'uncertain',
    resolution: 'discarded',
  });
  expect((await supervisor.get(`/api/interactions/${interactionId}`)).body.uncertainSends).toEqual([]);
});
