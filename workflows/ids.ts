/**
 * Workflow ids an operator can read in the Temporal Web UI. They carry the account key and the message's
 * mailbox identity (never addresses or subjects), so a second start for the same email is the same id.
 */
export function routingWorkflowId(input: {
  accountKey: string;
  uidValidity: bigint | number | string;
  uid: bigint | number | string;
  /** A re-download ("disable duplicate check") is routed again under the MODSEQ of its unread state. */
  redownloadModseq?: bigint | number | string | null;
}): string {
  const base = `route-${input.accountKey}-uv${input.uidValidity}-uid${input.uid}`;
  return input.redownloadModseq == null ? base : `${base}-m${input.redownloadModseq}`;
}

export function watcherWorkflowId(accountId: number): string {
  return `watch-account-${accountId}`;
}
