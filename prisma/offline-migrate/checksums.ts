/** Migration checksums as the schema engine writes and compares them. */
import { createHash } from 'node:crypto';

/** Prisma's checksum of a migration script: SHA-256 of its UTF-8 bytes, lowercase hex. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/** The engine's pre-fix rendering: hex bytes without zero padding (prisma-engines#1887). */
function legacyChecksum(script: string): string {
  return [...createHash('sha256').update(script, 'utf8').digest()].map((byte) => byte.toString(16)).join('');
}

/**
 * Whether a script matches a recorded checksum, as the engine decides it: the script as is,
 * with CRLF turned into LF, or with LF turned into CRLF; old unpadded checksums are recognised.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  const legacy = checksum.length > 0 && checksum.length !== 64;
  return variants.some((variant) => (legacy ? legacyChecksum(variant) : migrationChecksum(variant)) === checksum);
}
