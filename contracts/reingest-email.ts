/**
 * Re-ingesting a quarantined email runs on a worker (parsing a large email would stall the API): one short workflow
 * per quarantined email, named by its id, so a second request while one runs joins it. Sandbox-safe.
 */
export function reingestWorkflowId(quarantineId: number): string {
  return `reingest-quarantined-${quarantineId}`;
}

export interface ReingestInput {
  quarantineId: number;
}

export interface ReingestResult {
  messageId: number | null;
  interactionId: number | null;
  /** "stored", "already-stored", or "duplicate: <reason>". */
  outcome: string;
}
