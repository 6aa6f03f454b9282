/**
 * The demo account: a few realistic customer emails dropped into its local demo mailbox (IMAP APPEND), so a newcomer
 * sees them ingested, routed and offered. Used by the API (the admin's button) and by `npm run demo:mail`.
 */
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { SecretBox } from '../platform/secrets';
import type { Store } from '../store';

export interface DemoMailbox {
  host: string;
  port: number;
  user: string;
  password: string;
}

interface Sample {
  from: string;
  subject: string;
  text: string;
}

const SAMPLES: Sample[] = [
  {
    from: 'Anna Keller <anna.keller@example.com>',
    subject: 'Order #4821 has not arrived',
    text: [
      'Hello,',
      '',
      'I ordered a pair of walking boots (order #4821) twelve days ago and the tracking page still says "label created". Could you tell me where the parcel is?',
      '',
      'Thank you,',
      'Anna Keller',
    ].join('\r\n'),
  },
  {
    from: 'Marco Rossi <marco.rossi@example.org>',
    subject: 'Charged twice for my subscription',
    text: [
      'Hi there,',
      '',
      'My bank statement shows two charges of 9.90 EUR on the 3rd for the same monthly plan. Can you refund one of them?',
      '',
      'Best regards,',
      'Marco',
    ].join('\r\n'),
  },
  {
    from: 'Lena Novak <lena.novak@example.net>',
    subject: 'How do I change my delivery address?',
    text: [
      'Good morning,',
      '',
      'I am moving next week. Where in my account can I change the delivery address for the orders that have not shipped yet?',
      '',
      'Lena',
    ].join('\r\n'),
  },
];

/** The sample emails, addressed to the demo account, each with a fresh Message-ID (a second drop is new mail). */
export function demoSampleEmails(to: string, now = new Date()): string[] {
  return SAMPLES.map((sample, index) => {
    const id = `${randomBytes(8).toString('hex')}.${index}@demo.mailroute.invalid`;
    return [
      `From: ${sample.from}`,
      `To: ${to}`,
      `Subject: ${sample.subject}`,
      `Date: ${new Date(now.getTime() + index * 1000).toUTCString()}`,
      `Message-ID: <${id}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      sample.text,
      '',
    ].join('\r\n');
  });
}

/** Appends the sample emails to the mailbox's INBOX, unread; answers how many. */
export async function appendDemoEmails(mailbox: DemoMailbox, to: string): Promise<number> {
  const client = new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: false,
    auth: { user: mailbox.user, pass: mailbox.password },
    logger: false,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
  });
  await client.connect();
  try {
    const emails = demoSampleEmails(to);
    for (const raw of emails) await client.append('INBOX', raw, []);
    return emails.length;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** The demo account's own use cases, for the API. */
export function createDemoService({ store, secrets }: { store: Store; secrets: SecretBox }) {
  return {
    /** Drops the sample emails into the demo account's mailbox: 404 without a demo account, 409 when it cannot take them. */
    async dropSampleMail(): Promise<{ accountId: number; appended: number }> {
      const account = await store.accounts.findDemo();
      if (!account) throw new NotFoundError('demo account');
      if (!account.active) throw new ConflictError('the demo account is not active: activate it first');
      const mailbox: DemoMailbox = {
        host: account.imapHost ?? '127.0.0.1',
        port: account.imapPort,
        user: account.imapUsername ?? '',
        password: account.imapPasswordEnc ? secrets.open(account.imapPasswordEnc) : '',
      };
      try {
        return { accountId: account.id, appended: await appendDemoEmails(mailbox, account.emailAddress) };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ConflictError(`the demo mailbox at ${mailbox.host}:${mailbox.port} cannot be reached (${reason}): is npm start running?`);
      }
    },
  };
}
