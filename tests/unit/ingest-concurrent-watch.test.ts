/**
 * Regression (found by `npm run chaos` on a loaded machine): when a mailbox watch timed out on its heartbeat but still
 * ran, and its successor took the same batch, the successor could find the email the other had just stored under
 * the same mailbox identity and skip it as a duplicate of itself; the one that stored it failed later in the batch,
 * before starting its workflow, and the checkpoint passed the email: stored, never routed.
 */
import { storeIncomingEmail } from '../../services/ingest-email';
import type { InboundEmailStore, MailboxIdentity } from '../../store/inbound-email';

const identity: MailboxIdentity = { accountId: 7, mailbox: 'INBOX', uidValidity: 1n, uid: 95n };
const raw = Buffer.from(
  'From: Carla <carla@customer.test>\r\nTo: desk@example.test\r\nSubject: chaos 95\r\nMessage-ID: <chaos-95@chaos.test>\r\n\r\nchaos 95\r\n',
);
const account = { id: 7, key: 'SUP', emailAddress: 'desk@example.test', contactListId: null, disableDuplicateCheck: false };

/** The other watch commits the email between this one's first look and its duplicate check. */
function storeRacedByAnotherWatch(storedRow: { messageId: number; interactionId: number; workflowId: string } | null) {
  let looks = 0;
  const skipped: unknown[] = [];
  const store = {
    findStored: async () => (looks++ === 0 ? null : storedRow),
    findSameEmail: async () => 140,
    recordSkipped: async (_identity: MailboxIdentity, detail: unknown) => void skipped.push(detail),
  } as unknown as InboundEmailStore;
  return { store, skipped };
}

describe('an email stored by a concurrent watch of the same mailbox', () => {
  it('is this email already stored (to be routed), not a duplicate of itself', async () => {
    const row = { messageId: 140, interactionId: 101, workflowId: 'route-SUP-uv1-uid95' };
    const { store, skipped } = storeRacedByAnotherWatch(row);
    const outcome = await storeIncomingEmail(store, identity, raw, undefined, {}, { account });
    expect(outcome).toEqual({ kind: 'already-stored', ...row });
    expect(skipped).toEqual([]);
  });

  it('the same email at another mailbox identity is still a duplicate, with a visible record', async () => {
    const { store, skipped } = storeRacedByAnotherWatch(null);
    const outcome = await storeIncomingEmail(store, identity, raw, undefined, {}, { account });
    expect(outcome).toMatchObject({ kind: 'duplicate', duplicateOfMessageId: 140 });
    expect(skipped).toHaveLength(1);
  });
});
