import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { testEnvironment } from './test-environment';

export const HISTORIES_DIR = path.resolve(__dirname, '../replay/histories');

/** Histories by the routing path they took: `polling` (runs started before database placement) and `placement`. */
export type RoutingPath = 'polling' | 'placement';

/** The committed histories of one routing path (or all), as Worker.runReplayHistories takes them. */
export function recordedHistories(routingPath?: RoutingPath): Array<{ workflowId: string; history: unknown }> {
  const folders = routingPath ? [routingPath] : readdirSync(HISTORIES_DIR).filter((entry) => !entry.includes('.'));
  return folders
    .flatMap((folder) => readdirSync(path.join(HISTORIES_DIR, folder)).map((file) => path.join(folder, file)))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      workflowId: path.basename(file, '.json'),
      history: JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as unknown,
    }));
}

/**
 * Tests that end in a path worth replaying save its history (under placement/: every new run takes that path) when
 * MAILROUTE_RECORD_HISTORIES=1.
 * The saving runs in a separate process (scripts/record-history.ts), as an operator would run it:
 * protobuf's JSON conversion does not work inside jest's module sandbox.
 */
export function recordHistoryIfAsked(workflowId: string, name: string): void {
  if (process.env.MAILROUTE_RECORD_HISTORIES !== '1') return;
  execFileSync(
    process.execPath,
    ['--import', 'tsx', path.resolve(__dirname, '../../scripts/record-history.ts'), workflowId, `placement/${name}`],
    {
      env: { ...process.env, TEMPORAL_ADDRESS: testEnvironment().temporalAddress },
      stdio: 'inherit',
    },
  );
}
