/**
 * Who is asking: passwords (scrypt) and bearer tokens (random, stored only as their SHA-256). A token is shown once,
 * when it is issued; login issues a 12-hour one.
 */
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Actor } from '../domain/people';
import type { TokenStore } from '../store/tokens';
import type { UserStore } from '../store/users';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

const LOGIN_TOKEN_SECONDS = 12 * 3600;
/** lastUsedAt is written at most this often per token: authentication stays a read. */
const TOUCH_INTERVAL_MS = 60_000;

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
  tokens: Pick<TokenStore, 'create'>,
  input: { userId: number; name: string; ttlSeconds?: number },
): Promise<{ token: string; id: number }> {
  const token = `mr_${randomBytes(32).toString('base64url')}`;
  const row = await tokens.create({
    userId: input.userId,
    name: input.name,
    tokenHash: tokenHash(token),
    expiresAt: input.ttlSeconds ? new Date(Date.now() + input.ttlSeconds * 1000) : null,
  });
  return { token, id: row.id };
}

/** The user a bearer token stands for; undefined when it is unknown, expired or revoked. */
export async function authenticateToken(tokens: Pick<TokenStore, 'findByHash' | 'touch'>, token: string): Promise<Actor | undefined> {
  const row = await tokens.findByHash(tokenHash(token));
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < now)) return undefined;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) await tokens.touch(row.id, now);
  return { id: row.user.id, role: row.user.role, name: row.user.name };
}

/** A login token for the user with this email and password; undefined when either is wrong. */
export async function logIn(
  store: { users: Pick<UserStore, 'findCredentials'>; tokens: Pick<TokenStore, 'create'> },
  email: string,
  password: string,
): Promise<{ token: string; userId: number } | undefined> {
  const user = await store.users.findCredentials(email.toLowerCase());
  if (!user || !(await verifyPassword(password, user.passwordHash))) return undefined;
  const { token } = await issueToken(store.tokens, { userId: user.id, name: 'login', ttlSeconds: LOGIN_TOKEN_SECONDS });
  return { token, userId: user.id };
}
