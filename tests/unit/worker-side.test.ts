/** The worker side's small rules: one NotFound failure, deterministic Message-IDs, email parsing, routing events. */
import { ApplicationFailure } from '@temporalio/common';
import { found, notFound } from '../../activities/failures';
import { outboundMessageId } from '../../activities/outbox';
import { RoutingErrorType } from '../../domain/errors';
import type { LiveEvent } from '../../domain/live-events';
import { interactionHint, normaliseMessageId, parseEmail } from '../../services/email-parsing';
import { createRoutingEvents } from '../../services/routing-events';
import type { RoutingEventStore } from '../../store/routing-events';

describe('the NotFound failure of activities', () => {
  it('is a non-retryable ApplicationFailure of type NotFound naming what is missing', () => {
    const failure = notFound('interaction 7');
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: RoutingErrorType.NotFound, nonRetryable: true, message: 'interaction 7 not found' });
  });
  it('passes a row through and turns a missing one into the failure', () => {
    expect(found({ id: 1 }, 'message 1')).toEqual({ id: 1 });
    expect(() => found(null, 'message 2')).toThrow('message 2 not found');
    expect(() => found(undefined, 'message 3')).toThrow(ApplicationFailure);
  });
});

describe('outbound Message-IDs', () => {
  it('are the same for the same request, different for another, on the account’s domain', () => {
    const request = { accountEmail: 'support@example.test', interactionId: 12, requestId: 'req-1' };
    expect(outboundMessageId(request)).toBe(outboundMessageId({ ...request }));
    expect(outboundMessageId(request)).not.toBe(outboundMessageId({ ...request, requestId: 'req-2' }));
    expect(outboundMessageId(request)).toMatch(/^<mailroute\.12\.[0-9a-f]{24}@example\.test>$/);
  });
});

describe('email parsing', () => {
  it('puts Message-IDs in angle brackets, without NUL characters', () => {
    expect(normaliseMessageId(' abc@x.test ')).toBe('<abc@x.test>');
    expect(normaliseMessageId('<a\u0000b@x.test>')).toBe('<ab@x.test>');
    expect(normaliseMessageId('  ')).toBeNull();
  });
  it('finds the interaction named by [KEY#id] in the subject, or by our own header, for this account only', async () => {
    const email = (headers: string) => parseEmail(Buffer.from(`${headers}From: a@customer.test\r\n\r\nbody\r\n`));
    expect(interactionHint(await email('Subject: Re: [SUP#42] help\r\n'), 'SUP')).toBe(42);
    expect(interactionHint(await email('Subject: Re: [OTH#42] help\r\n'), 'SUP')).toBeNull();
    expect(interactionHint(await email('Subject: hi\r\nX-Mailroute-Interaction: SUP-7\r\n'), 'SUP')).toBe(7);
  });
});

describe('routing events', () => {
  const account = { key: 'SUP', name: 'Support', notificationTemplate: null, notificationSound: true, notificationShake: false };
  const interaction = { id: 5, accountId: 3, subject: 'Help', customerEmail: 'c@customer.test', customerName: 'Cee' };
  function recorder() {
    const appended: unknown[] = [];
    const published: LiveEvent[] = [];
    const store = {
      append: async (event: unknown) => {
        appended.push(event);
        return { createdAt: new Date('2026-01-02T03:04:05Z'), interaction, account };
      },
    } as unknown as RoutingEventStore;
    const events = createRoutingEvents({ store, events: { publish: async (event) => void published.push(event) } });
    return { appended, published, events };
  }

  it('are recorded, then published live to the interaction’s account', async () => {
    const { appended, published, events } = recorder();
    await events.record({ interactionId: 5, workflowId: 'wf', type: 'accepted', detail: { agentId: 9 } });
    expect(appended).toEqual([{ interactionId: 5, workflowId: 'wf', type: 'accepted', detail: { agentId: 9 } }]);
    expect(published).toEqual([
      { kind: 'routing', accountId: 3, interactionId: 5, type: 'accepted', detail: { agentId: 9 }, at: '2026-01-02T03:04:05.000Z' },
    ]);
  });
  it('carry the desk notification when the holder’s desk announces them', async () => {
    const { published, events } = recorder();
    await events.record({ interactionId: 5, type: 'message-added', notify: true });
    expect(published[0]).toMatchObject({ detail: {}, notification: { accountKey: 'SUP', sound: true, shake: false } });
  });
});
