/**
 * One email per request whatever fails after the SMTP server's 250 (real Temporal, PostgreSQL, Dovecot, SMTP
 * capture): a killed worker, a timed-out attempt, a dropped database connection holding the send lock, and
 * concurrent forwards of one request.
 */
import { Pool } from 'pg';
import { forwardUpdate, replyUpdate } from '../../contracts/route-email';
import { failureReason } from '../../domain/errors';
import { waitFor } from '../../scripts/services/process-tools';
import { holdRowAcross250, smtpSinks, workflowIdOf } from '../support/desk-outbound';
import { buildEmail } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';
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

describe('sending is idempotent after the server answered 250', () => {
  it('when the worker is killed: the retry finds the attempt past DATA and does not send again', async () => {
    const window = holdRowAcross250(pool);
    const smtp = await sink(window.options);
    const routed = await createRoutedAccount(platform, smtp);
    await routed.deliver(buildEmail({ from: 'fay@customer.test', to: routed.account.emailAddress, subject: 'Kill', text: 'Hi' }));
    const offer = await acceptNextOffer(routed.agent);
    const handle = platform.temporal.workflow.getHandle(await workflowIdOf(platform, offer.interactionId));

    // Through the workflow directly, with a 5 s attempt timeout, so the dead worker's attempt is retried quickly.
    const replying = handle
      .executeUpdate(replyUpdate, {
        args: [{ agentId: routed.agentId, requestId: 'kill-after-250', text: 'Once.', sendTimeoutSeconds: 5 }],
      })
      .then(
        () => 'completed',
        (error: Error) => `failed: ${failureReason(error)}`,
      );
    await window.held;
    await platform.worker.kill();
    await window.release();
    await platform.worker.start();

    expect(await replying).toMatch(/^failed: .*may already have been delivered/);
    const outbound = await platform.db.outboundEmail.findFirstOrThrow({ where: { interactionId: offer.interactionId } });
    expect(outbound.status).toBe('uncertain');
    expect(outbound.attempts).toBe(1);
    // Another try with the same request is refused too: the row stays uncertain until a person decides.
    const retried = await handle
      .executeUpdate(replyUpdate, {
        args: [{ agentId: routed.agentId, requestId: 'kill-after-250', text: 'Once.', sendTimeoutSeconds: 5 }],
      })
      .catch((error: Error) => error);
    expect(retried).toBeInstanceOf(Error);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(smtp.messages.map((message) => message.messageId)).toEqual([outbound.messageIdHeader]);
    // The interaction is still held: the agent can go on (and close it).
    expect(
      (await routed.agent.post(`/api/interactions/${offer.interactionId}/close`, { dispositionId: routed.dispositionId })).body,
    ).toEqual({
      state: 'closed',
    });
  });

  it('when the attempt times out: the retry waits for the first attempt, sees it sent, and does not send again', async () => {
    const window = holdRowAcross250(pool);
    const smtp = await sink(window.options);
    const routed = await createRoutedAccount(platform, smtp);
    await routed.deliver(buildEmail({ from: 'gus@customer.test', to: routed.account.emailAddress, subject: 'Slow', text: 'Hi' }));
    const offer = await acceptNextOffer(routed.agent);
    const handle = platform.temporal.workflow.getHandle(await workflowIdOf(platform, offer.interactionId));

    const replying = handle.executeUpdate(replyUpdate, {
      args: [{ agentId: routed.agentId, requestId: 'timeout-after-250', text: 'Once.', sendTimeoutSeconds: 2 }],
    });
    await window.held;
    // Past the 2 s timeout and the 2 s retry interval: the second attempt has started and waits on the first.
    await waitFor(
      'a second send attempt',
      async () => {
        const description = await handle.describe();
        return (description.raw.pendingActivities ?? []).some((activity) => (activity.attempt ?? 0) >= 2);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    await window.release();
    const result = await replying;

    const outbound = await platform.db.outboundEmail.findFirstOrThrow({ where: { interactionId: offer.interactionId } });
    expect(result.messageIdHeader).toBe(outbound.messageIdHeader);
    expect(outbound.status).toBe('sent');
    expect(outbound.attempts).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(smtp.messages.map((message) => message.messageId)).toEqual([outbound.messageIdHeader]);
    const history = await handle.fetchHistory();
    const retried = history.events?.some((event) => (event.activityTaskStartedEventAttributes?.attempt ?? 1) >= 2);
    expect(retried).toBe(true);
  });

  it('survives PostgreSQL dropping the connection that holds the send lock: one email, and the worker lives on', async () => {
    const smtp = await sink({
      async beforeAccept() {
        // Like a database restart mid-send: the session holding the outbox row's advisory lock is terminated.
        await pool.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = 7301 AND granted");
      },
    });
    const routed = await createRoutedAccount(platform, smtp);
    await routed.deliver(buildEmail({ from: 'ivy@customer.test', to: routed.account.emailAddress, subject: 'Drop', text: 'Hi' }));
    const offer = await acceptNextOffer(routed.agent);
    const workerPid = platform.worker.pid;
    const reply = await routed.agent.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'Still here.' });
    expect(reply.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(platform.worker.pid).toBe(workerPid);
    expect(smtp.messages.map((message) => message.messageId)).toEqual([reply.body.messageIdHeader]);
    expect((await platform.db.outboundEmail.findUniqueOrThrow({ where: { id: reply.body.outboundId } })).status).toBe('sent');
  });

  it('a forward through the workflow is idempotent per request id as well', async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp);
    await routed.deliver(buildEmail({ from: 'hal@customer.test', to: routed.account.emailAddress, subject: 'Twice', text: 'Hi' }));
    const offer = await acceptNextOffer(routed.agent);
    const handle = platform.temporal.workflow.getHandle(await workflowIdOf(platform, offer.interactionId));
    const request = { agentId: routed.agentId, requestId: 'forward-once', text: 'FYI', to: [{ address: 'team@shop.test' }] };
    const [first, second] = await Promise.all([
      handle.executeUpdate(forwardUpdate, { args: [request] }),
      handle.executeUpdate(forwardUpdate, { args: [request] }),
    ]);
    expect(second).toEqual(first);
    await smtp.waitForMessages(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(smtp.messages).toHaveLength(1);
    // One email, one event: the repeated request does not record a second "forward-sent".
    const third = await handle.executeUpdate(forwardUpdate, { args: [request] });
    expect(third).toEqual(first);
    const sentEvents = await platform.db.routingEvent.findMany({ where: { interactionId: offer.interactionId, type: 'forward-sent' } });
    expect(sentEvents).toHaveLength(1);
  });
});
