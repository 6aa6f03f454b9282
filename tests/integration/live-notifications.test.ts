/**
 * Live notifications over Server-Sent Events: an offer, and a new message on the interaction an agent holds,
 * arrive rendered with the account's notification template and carry its sound and shake flags.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { openLiveEvents } from '../support/live-events';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

let platform: TestPlatform;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
  await smtp?.close();
});

it("renders offers and new messages on a held interaction with the account's notification template, sound and shake", async () => {
  const routed = await createRoutedAccount(platform, smtp, {
    account: {
      notificationTemplate: 'Mail for {{account.name}} from {{customer.name}}: {{subject}} (#{{interaction.id}})',
      notificationSound: false,
      notificationShake: true,
    },
  });
  const { account, agent } = routed;
  const live = await openLiveEvents(platform.apiUrl, agent.token!);
  const first = uniqueMessageId('customer.test');
  await routed.deliver(
    buildEmail({
      from: 'Lena Customer <lena@customer.test>',
      to: account.emailAddress,
      subject: 'Broken lid',
      text: 'Hi',
      messageId: first,
    }),
  );
  const offer = await acceptNextOffer(agent);

  const offerEvent = live.events.find((event) => event.event === 'offer' && event.data.interactionId === offer.interactionId);
  expect(offerEvent?.data).toMatchObject({
    source: 'queue-step',
    notification: {
      accountKey: account.key,
      text: `Mail for ${account.name} from Lena Customer: Broken lid (#${offer.interactionId})`,
      sound: false,
      shake: true,
    },
  });

  // The customer writes again in the same thread: the holder is told, with the same template.
  await routed.deliver(
    buildEmail({
      from: 'Lena Customer <lena@customer.test>',
      to: account.emailAddress,
      subject: 'Re: Broken lid',
      text: 'Photo attached later',
      inReplyTo: first,
      references: first,
    }),
  );
  await waitFor('the new-message notification', async () => live.events.some((event) => event.event === 'message-added'), {
    timeoutMs: 20_000,
  });
  live.close();
  const added = live.events.find((event) => event.event === 'message-added')!;
  expect(added.data).toMatchObject({
    interactionId: offer.interactionId,
    detail: { agentId: routed.agentId },
    notification: { accountKey: account.key, text: `Mail for ${account.name} from Lena Customer: Broken lid (#${offer.interactionId})` },
  });
  // Routing events that are no news for the desk carry no notification.
  const accepted = live.events.find((event) => event.event === 'accepted' && event.data.interactionId === offer.interactionId);
  expect(accepted).toBeDefined();
  expect(accepted!.data.notification).toBeUndefined();
});
