/** The Temporal server under the platform: its version, as it reports it. */
import { Connection } from '@temporalio/client';

export async function serverVersion(address: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    return (await connection.workflowService.getSystemInfo({})).serverVersion ?? 'unknown';
  } finally {
    await connection.close();
  }
}
