import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { testEnvironment } from './test-environment';

export const HISTORIES_DIR = path.resolve(__dirname, '../replay/histories');

/**
 * Tests that end in a path worth replaying save its history when MAILROUTE_RECORD_HISTORIES=1.
 * The saving runs in a separate process (scripts/record-history.ts), as an operator would run it:
 * protobuf's JSON conversion does not work inside jest's module sandbox.
 */
export function recordHistoryIfAsked(workflowId: string, name: string): void {
  if (process.env.MAILROUTE_RECORD_HISTORIES !== '1') return;
  execFileSync(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../scripts/record-history.ts'), workflowId, name], {
    env: { ...process.env, TEMPORAL_ADDRESS: testEnvironment().temporalAddress },
    stdio: 'inherit',
  });
}
