/**
 * The first activation on a mailbox (no checkpoint yet) decides which of the emails already there are taken. The
 * seed's empty header filter is `SEARCH UNSEEN`: by default unread ones only, so connecting a real inbox does not
 * flood the queues with years of read mail. "From now" takes none of them; "since" a day takes those the server
 * received (INTERNALDATE) on or after it, read or not. Emails after the bound are new mail, taken as always.
 */
import type { SearchObject } from 'imapflow';
import type { FirstIntake } from '../../domain/account';

/** What the first intake searches for among the emails up to its bound; null: nothing is taken. */
export function firstIntakeSearch(account: { firstIntake: string; firstIntakeSince: string | null }): SearchObject | null {
  switch (account.firstIntake as FirstIntake) {
    case 'from-now':
      return null;
    case 'since':
      // IMAP SINCE compares days; imapflow writes the Date's UTC day, which is the day the admin chose.
      if (account.firstIntakeSince !== null) return { since: new Date(`${account.firstIntakeSince}T00:00:00Z`) };
      return { seen: false };
    default:
      return { seen: false };
  }
}

/** The UID range the first intake still has to look at, or null when it is done (or there was none). */
export function firstIntakeRange(checkpoint: bigint, intakeUntilUid: bigint | null): string | null {
  return intakeUntilUid !== null && checkpoint < intakeUntilUid ? `${checkpoint + 1n}:${intakeUntilUid}` : null;
}
