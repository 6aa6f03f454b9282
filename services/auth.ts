/**
 * Who is asking: bearer tokens (random, stored only as their SHA-256), shown once when issued. Login checks the
 * password (services/passwords.ts) and issues a 12-hour session token; every token expires.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../domain/people';
import type { TokenStore } from '../store/tokens';
import type { UserStore } from '../store/users';
import { checkPassword, hashPassword } from './passwords';

export { hashPassword } from './passwords';

/** A login session lasts this long. */
export const LOGIN_TOKEN_SECONDS = 12 * 3600;
/** An API token lasts this long unless asked for less (an integration renews it); never forever. */
export const API_TOKEN_DEFAULT_SECONDS = 90 * 86400;
export const API_TOKEN_MAX_SECONDS = 365 * 86400;
/** The name login gives its tokens: the sessions a password change or a logout ends. */
export const SESSION_TOKEN_NAME = 'login';
/** lastUsedAt is written at most this often per token: authentication stays a read. */
const TOUCH_INTERVAL_MS = 60_000;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a bearer token; only its hash is stored, the token is returned once. */
export async function issueToken(
  tokens: Pick<TokenStore, 'create'>,
  input: { userId: number; name: string; ttlSeconds?: number },
): Promise<{ token: string; id: number }> {
  const token = `mr_${randomBytes(32).toString('base64url')}`;
  const ttlSeconds = Math.min(input.ttlSeconds ?? API_TOKEN_DEFAULT_SECONDS, API_TOKEN_MAX_SECONDS);
  const row = await tokens.create({
    userId: input.userId,
    name: input.name,
    tokenHash: tokenHash(token),
    expiresAt: new Date(Date.now() + ttlSeconds * 1000),
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

/**
 * A session token for the user with this email and password; undefined when either is wrong (as slowly for an
 * unknown email as for a wrong password). A hash made with older parameters is remade while the password is known.
 */
export async function logIn(
  store: { users: Pick<UserStore, 'findCredentials' | 'setPasswordHash'>; tokens: Pick<TokenStore, 'create'> },
  email: string,
  password: string,
): Promise<{ token: string; userId: number } | undefined> {
  const user = await store.users.findCredentials(email.toLowerCase());
  const checked = await checkPassword(password, user?.passwordHash ?? null);
  if (!user || !checked.matches) return undefined;
  if (checked.outdated) await store.users.setPasswordHash(user.id, await hashPassword(password));
  const { token } = await issueToken(store.tokens, { userId: user.id, name: SESSION_TOKEN_NAME, ttlSeconds: LOGIN_TOKEN_SECONDS });
  return { token, userId: user.id };
}

/** Logging out: the session (or token) used for the request ends. */
export async function logOut(tokens: Pick<TokenStore, 'revokeByHash'>, token: string): Promise<void> {
  await tokens.revokeByHash(tokenHash(token), new Date());
}

/** The user's other login sessions end (a password change): every one, or all but the one that asked. */
export async function endOtherSessions(tokens: Pick<TokenStore, 'revokeNamed'>, userId: number, currentToken?: string): Promise<number> {
  return tokens.revokeNamed(userId, SESSION_TOKEN_NAME, new Date(), currentToken === undefined ? undefined : tokenHash(currentToken));
}

/** The bearer token of a request's Authorization header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}
