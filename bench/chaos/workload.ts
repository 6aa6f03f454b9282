/** What the chaos run asks of the platform, and what it counts as it goes: the burst of emails and the agents' answers. */
import { uniqueMessageId } from '../../tests/support/mailbox';
import { testEnvironment } from '../../tests/support/test-environment';
import { customerEmail, withDeskMailbox, type Desk } from '../support/desk';
import { sleep } from '../support/stats';

export interface Counts {
  appendsConfirmed: number;
  appendsUncertain: number;
  accepts: number;
  acceptConflicts: number;
  replies: number;
  /** Replies the platform reported uncertain (a worker died in DATA), which their agent then resent deliberately. */
  repliesUncertain: number;
  closes: number;
  apiErrors: Record<string, number>;
  faults: string[];
  unexpectedWorkerExits: number;
}

export function newCounts(): Counts {
  return {
    appendsConfirmed: 0,
    appendsUncertain: 0,
    accepts: 0,
    acceptConflicts: 0,
    replies: 0,
    repliesUncertain: 0,
    closes: 0,
    apiErrors: {},
    faults: [],
    unexpectedWorkerExits: 0,
  };
}

/** Appends `total` emails over two IMAP sessions; a session cut by a fault reconnects and goes on. */
export async function appendBurst(desk: Desk, total: number, counts: Counts): Promise<void> {
  let next = 0;
  const session = async () => {
    while (next < total) {
      try {
        await withDeskMailbox(testEnvironment().dovecot, desk, async (client) => {
          while (next < total) {
            const index = next++;
            // An APPEND cut by a fault may or may not have landed: the mailbox listing is the truth, so it is not retried.
            try {
              await client.append('INBOX', customerEmail(desk, `chaos ${index}`, uniqueMessageId('chaos.test')));
              counts.appendsConfirmed += 1;
            } catch (error) {
              counts.appendsUncertain += 1;
              throw error;
            }
          }
        });
      } catch {
        await sleep(500);
      }
    }
  };
  await Promise.all([session(), session()]);
}
