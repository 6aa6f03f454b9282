/** What the applier tells its caller: progress lines, warnings, and failures named by their Prisma error code. */

export type LogLevel = 'info' | 'warn';
export type MigrateLog = (line: string, level: LogLevel) => void;

/** A failure with the Prisma error code it corresponds to (P1002, P3005, P3009, P3018, P3019...). */
export class MigrationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'MigrationError';
  }
}

export const writeToStderr: MigrateLog = (line) => {
  process.stderr.write(`${line}\n`);
};
