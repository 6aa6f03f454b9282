import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DovecotHandle } from '../../scripts/services/dovecot';

/** What global setup started, shared with every test worker through a file. */
export interface TestEnvironment {
  databaseUrl: string;
  temporalAddress: string;
  dovecot: DovecotHandle;
  workflowBundlePath: string;
  secretKey: string;
  runDir: string;
  /** What global teardown must stop (servers it started, not ones given through the environment). */
  started: { postgresDataDir?: string; temporalPid?: number };
}

export const TEST_RUN_DIR = path.resolve(__dirname, '../../.data/test-run');
export const TEST_ENVIRONMENT_FILE = path.join(TEST_RUN_DIR, 'environment.json');

export function testEnvironment(): TestEnvironment {
  return JSON.parse(readFileSync(TEST_ENVIRONMENT_FILE, 'utf8')) as TestEnvironment;
}
