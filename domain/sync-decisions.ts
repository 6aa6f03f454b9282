/**
 * Pure decisions of the mailbox watcher (after EmailEngine's sync-operations): what the stored checkpoint
 * and the server's SELECT answer mean. No I/O here, so each rule is unit-tested on its own.
 */
export interface StoredCheckpoint {
  uidValidity: bigint | null;
  lastUid: bigint;
  highestModseq: bigint | null;
}

export interface ServerMailbox {
  uidValidity: bigint;
  /** Absent when the server has no CONDSTORE. */
  highestModseq: bigint | null;
}

export type ResetReason = 'uidvalidity-changed' | 'modseq-regressed';

export function hasUidValidityChanged(stored: StoredCheckpoint, server: ServerMailbox): boolean {
  return stored.uidValidity !== null && stored.uidValidity !== server.uidValidity;
}

/** HIGHESTMODSEQ never goes down on a healthy mailbox; when it does, the index was rebuilt and UIDs may be reused. */
export function hasModseqRegressed(stored: StoredCheckpoint, server: ServerMailbox): boolean {
  return stored.highestModseq !== null && server.highestModseq !== null && server.highestModseq < stored.highestModseq;
}

/** Whether the mailbox must be rescanned from UID 1 (matching stored emails by Message-ID + content hash), and why. */
export function mailboxResetReason(stored: StoredCheckpoint | null, server: ServerMailbox): ResetReason | null {
  if (!stored) return null;
  if (hasUidValidityChanged(stored, server)) return 'uidvalidity-changed';
  if (hasModseqRegressed(stored, server)) return 'modseq-regressed';
  return null;
}

/** The UID search range after the checkpoint. */
export function uidRangeAfter(lastUid: bigint): string {
  return `${lastUid + 1n}:*`;
}

/** Messages the watcher still has to look at: the server's next UID minus one, minus the checkpoint. */
export function pendingUidCount(uidNext: bigint | null, lastUid: bigint): number {
  if (uidNext === null) return 0;
  const pending = uidNext - 1n - lastUid;
  return pending > 0n ? Number(pending) : 0;
}
