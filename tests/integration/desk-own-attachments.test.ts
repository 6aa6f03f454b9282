/**
 * The agent's own files on the thread (real Temporal, PostgreSQL, Dovecot, SMTP capture): a reply's and a forward's
 * attachments are listed on the stored outbound message, as the customer's are on theirs, and download as sent.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { waitFor } from '../../scripts/services/process-tools';
import { smtpSinks } from '../support/desk-outbound';
import { uniqueMessageId } from '../support/mailbox';
import { useTestPlatform, type ApiClient, type TestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';

const platform = useTestPlatform();
const sink = smtpSinks();

function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
}

interface ListedAttachment {
  id: number;
  filename: string | null;
  contentType: string;
  size: number;
  inline: boolean;
}
interface ListedMessage {
  id: number;
  direction: string;
  messageIdHeader: string | null;
  attachments: ListedAttachment[];
}

/** The thread's message with this Message-ID, once the send has been recorded. */
async function storedMessage(agent: ApiClient, interactionId: number, messageIdHeader: string): Promise<ListedMessage> {
  let found: ListedMessage | undefined;
  await waitFor(`the sent message ${messageIdHeader} on the thread`, async () => {
    const detail = await agent.get<{ messages: ListedMessage[] }>(`/api/interactions/${interactionId}`);
    found = detail.body.messages.find((message) => message.messageIdHeader === messageIdHeader);
    return found !== undefined;
  });
  return found!;
}

async function download(platform: TestPlatform, agent: ApiClient, interactionId: number, attachmentId: number): Promise<Buffer> {
  const response = await fetch(`${platform.apiUrl}/api/interactions/${interactionId}/attachments/${attachmentId}`, {
    headers: { authorization: `Bearer ${agent.token}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  return Buffer.from(await response.arrayBuffer());
}

describe("the agent's own attachments", () => {
  it('are listed on the stored reply and forward and download with the bytes sent', async () => {
    const smtp = await sink();
    const routed = await createRoutedAccount(platform, smtp);
    const { account, agent } = routed;
    const photo = Buffer.from('a photo of the parcel');
    await routed.deliver(
      await compose({
        from: 'Dora Customer <dora@customer.test>',
        to: account.emailAddress,
        subject: 'Broken parcel',
        text: 'Photo attached.',
        messageId: uniqueMessageId('customer.test'),
        attachments: [{ filename: 'parcel.jpg', contentType: 'image/jpeg', content: photo }],
      }),
    );
    const offer = await acceptNextOffer(agent);

    const label = Buffer.from('%PDF-1.4 return label\n');
    const reply = await agent.post(`/api/interactions/${offer.interactionId}/reply`, {
      text: 'Here is your return label.',
      attachments: [{ filename: 'return-label.pdf', contentType: 'application/pdf', contentBase64: label.toString('base64') }],
    });
    expect(reply.status).toBe(200);
    const sentReply = await storedMessage(agent, offer.interactionId, reply.body.messageIdHeader);
    expect(sentReply.direction).toBe('outbound');
    expect(sentReply.attachments).toEqual([
      expect.objectContaining({ filename: 'return-label.pdf', contentType: 'application/pdf', size: label.length, inline: false }),
    ]);
    expect((await download(platform, agent, offer.interactionId, sentReply.attachments[0]!.id)).equals(label)).toBe(true);
    // The email itself carried the same file.
    const [email] = await smtp.waitForMessages(1, 15_000);
    expect(email!.parsed.attachments.map((attachment) => attachment.filename)).toEqual(['return-label.pdf']);

    // A forward lists the agent's file and the customer's it carried along.
    const note = Buffer.from('claim form');
    const forward = await agent.post(`/api/interactions/${offer.interactionId}/forward`, {
      to: [{ address: 'claims@carrier.test' }],
      text: 'Please open a claim.',
      includePreviousMessage: true,
      attachments: [{ filename: 'claim.txt', contentType: 'text/plain', contentBase64: note.toString('base64') }],
    });
    expect(forward.status).toBe(200);
    const sentForward = await storedMessage(agent, offer.interactionId, forward.body.messageIdHeader);
    expect(sentForward.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size }))).toEqual([
      { filename: 'claim.txt', contentType: 'text/plain', size: note.length },
      { filename: 'parcel.jpg', contentType: 'image/jpeg', size: photo.length },
    ]);
    expect((await download(platform, agent, offer.interactionId, sentForward.attachments[1]!.id)).equals(photo)).toBe(true);

    // Another account's agent sees none of them.
    const stranger = await createRoutedAccount(platform, smtp);
    expect((await stranger.agent.get(`/api/interactions/${offer.interactionId}/attachments/${sentReply.attachments[0]!.id}`)).status).toBe(
      404,
    );
  });
});
