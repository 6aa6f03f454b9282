import { rmSync } from 'node:fs';
import { stopDovecot } from '../../scripts/services/dovecot';
import { stopPostgres } from '../../scripts/services/postgres';
import { stopTemporalDevServer } from '../../scripts/services/temporal';
import { stopCyrusUnder } from './cyrus';
import { stopPostfixUnder } from './postfix';
import { testEnvironment, type TestEnvironment } from './test-environment';

/** Stops the servers a run started itself (not those given through DATABASE_URL / TEMPORAL_ADDRESS). */
export async function stopTestServers(environment: TestEnvironment): Promise<void> {
  await Promise.allSettled([
    stopDovecot(environment.dovecot),
    // Started by test files themselves (and stopped by them, unless their jest worker died).
    stopCyrusUnder(environment.runDir),
    stopPostfixUnder(environment.runDir),
    environment.started.temporalPid ? stopTemporalDevServer({ pid: environment.started.temporalPid }) : Promise.resolve(),
    environment.started.postgresDataDir ? stopPostgres({ dataDir: environment.started.postgresDataDir }) : Promise.resolve(),
  ]);
}

export default async function globalTeardown(): Promise<void> {
  const environment = testEnvironment();
  await stopTestServers(environment);
  rmSync(environment.runDir, { recursive: true, force: true });
}
