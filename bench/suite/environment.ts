/** The machine and the servers a run measured, recorded beside its figures. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { Client as PgClient } from 'pg';
import { testEnvironment } from '../../tests/support/test-environment';

export async function environmentFacts(address: string): Promise<Record<string, string | number>> {
  const cpus = os.cpus();
  const sql = new PgClient({ connectionString: testEnvironment().databaseUrl });
  await sql.connect();
  const postgres = (await sql.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  await sql.end();
  const dovecot = (() => {
    try {
      return execFileSync('dovecot', ['--version']).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  return {
    machine: `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgresql: postgres,
    dovecot,
    temporalAddress: address,
    // The machine is shared: its load when the measurements started says how much else was running.
    'load average at start (1/5/15 min)': os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' / '),
  };
}
