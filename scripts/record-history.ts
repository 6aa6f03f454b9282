/**
 * Records a finished workflow's history into tests/replay/histories for the replay suite:
 *   npm run replay:record -- <workflowId> <name>      (name may start with a folder: placement/route-email-…)
 * (TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE select the server.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

const HISTORIES_DIR = path.resolve(__dirname, '../tests/replay/histories');

async function main() {
  const [workflowId, name] = process.argv.slice(2);
  if (!workflowId || !name) throw new Error('usage: npm run replay:record -- <workflowId> <name>');
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const file = path.join(HISTORIES_DIR, `${name}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${historyToJSON(history)}\n`);
  console.log(`recorded ${file}`);
  await connection.close();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
