import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.resolve(__dirname, '../replay/histories');

/** Writes a workflow's full event history as Temporal JSON, for the replay suite. */
export async function saveHistory(client: Client, workflowId: string, name: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const file = path.join(HISTORIES_DIR, `${name}.json`);
  writeFileSync(file, `${historyToJSON(history)}\n`);
  return file;
}

/** Tests that end in a path worth replaying record it when MAILROUTE_RECORD_HISTORIES=1. */
export async function recordHistoryIfAsked(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.MAILROUTE_RECORD_HISTORIES === '1') await saveHistory(client, workflowId, name);
}
