import { rmSync } from 'node:fs';
import { stopDovecot } from '../../scripts/services/dovecot';
import { stopPostgres } from '../../scripts/services/postgres';
import { stopTemporalDevServer } from '../../scripts/services/temporal';
import { testEnvironment } from './test-environment';

export default async function globalTeardown(): Promise<void> {
  const environment = testEnvironment();
  await Promise.allSettled([
    stopDovecot(environment.dovecot),
    environment.started.temporalPid ? stopTemporalDevServer({ pid: environment.started.temporalPid }) : Promise.resolve(),
    environment.started.postgresDataDir ? stopPostgres({ dataDir: environment.started.postgresDataDir }) : Promise.resolve(),
  ]);
  rmSync(environment.runDir, { recursive: true, force: true });
}
