/**
 * Records a finished workflow's history into tests/replay/histories for the replay suite:
 *   npm run replay:record -- <workflowId> <name>
 * (TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE select the server.)
 */
import { Client, Connection } from '@temporalio/client';
import { saveHistory } from '../tests/support/histories';

async function main() {
  const [workflowId, name] = process.argv.slice(2);
  if (!workflowId || !name) throw new Error('usage: npm run replay:record -- <workflowId> <name>');
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  console.log(`recorded ${await saveHistory(client, workflowId, name)}`);
  await connection.close();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
