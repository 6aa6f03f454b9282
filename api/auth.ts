import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Request } from 'express';
import type { Database } from '../store/db';
import { AppError, type AuthenticatedUser } from './http';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const [scheme, salt, hash] = (stored ?? '').split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(expected, actual);
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a bearer token; only its hash is stored, the token is returned once. */
export async function issueToken(
  db: Database,
  input: { userId: number; name: string; ttlSeconds?: number },
): Promise<{ token: string; id: number }> {
  const token = `mr_${randomBytes(32).toString('base64url')}`;
  const row = await db.apiToken.create({
    data: {
      userId: input.userId,
      name: input.name,
      tokenHash: tokenHash(token),
      expiresAt: input.ttlSeconds ? new Date(Date.now() + input.ttlSeconds * 1000) : null,
    },
  });
  return { token, id: row.id };
}

export function createAuthenticator(db: Database) {
  return async function authenticate(request: Request): Promise<AuthenticatedUser> {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw AppError.unauthorized();
    const row = await db.apiToken.findUnique({ where: { tokenHash: tokenHash(match[1]!) }, include: { user: true } });
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date()))
      throw AppError.unauthorized('the token is unknown, expired or revoked');
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)
      await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    return { id: row.user.id, role: row.user.role, name: row.user.name };
  };
}
