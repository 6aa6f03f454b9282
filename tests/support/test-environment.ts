import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DovecotHandle } from '../../scripts/services/dovecot';
import { serverStateDir } from '../../scripts/services/process-tools';

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

/** Tests' webhook receivers and token servers listen on this machine, which production refuses by default. */
export const TEST_OUTBOUND_ALLOW = '127.0.0.0/8,::1,localhost';

/** Every jest run gets its own directory, so two runs on one machine never share servers or files. */
export function testRunsDir(): string {
  return serverStateDir(path.resolve(__dirname, '../../.data/test-runs'));
}

/** Set by global setup; jest workers inherit it. */
export function testEnvironmentFile(): string {
  const runDir = process.env.MAILROUTE_TEST_RUN_DIR;
  if (!runDir) throw new Error('MAILROUTE_TEST_RUN_DIR is not set: run the tests through jest (global setup starts the servers)');
  return path.join(runDir, 'environment.json');
}

export function testEnvironment(): TestEnvironment {
  return JSON.parse(readFileSync(testEnvironmentFile(), 'utf8')) as TestEnvironment;
}
