/**
 * Passwords, stored as scrypt hashes that name their parameters, so the parameters can rise: a hash made with weaker
 * ones than today's is replaced at the next successful login (the password is known then).
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** OWASP's recommendation for scrypt: N = 2^17, r = 8, p = 1 (128 MiB and a few hundred milliseconds per hash). */
export const SCRYPT_PARAMETERS = { N: 2 ** 17, r: 8, p: 1 } as const;
/** Hashes of the first releases carry no parameters: Node's defaults then. */
const LEGACY_PARAMETERS = { N: 2 ** 14, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

type Parameters = { N: number; r: number; p: number };

function maxmem({ N, r, p }: Parameters): number {
  return 128 * N * r + 128 * r * p + 1024 * 1024;
}

/** `scrypt$N$r$p$salt$hash` (base64url salt and hash). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = SCRYPT_PARAMETERS;
  const hash = await scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: maxmem(SCRYPT_PARAMETERS) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

function parse(stored: string): { parameters: Parameters; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return undefined;
  if (parts.length === 3)
    return { parameters: LEGACY_PARAMETERS, salt: Buffer.from(parts[1]!, 'base64url'), hash: Buffer.from(parts[2]!, 'base64url') };
  if (parts.length !== 6) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((value) => Number.isSafeInteger(value) && value > 0) || N > 2 ** 20 || r > 32 || p > 16) return undefined;
  return { parameters: { N, r, p }, salt: Buffer.from(parts[4]!, 'base64url'), hash: Buffer.from(parts[5]!, 'base64url') };
}

/** Ready for a password check against an unknown user: the same work as a real one, so timing tells nothing. */
let decoy: Promise<string> | undefined;

/**
 * Whether `password` matches `stored`, and whether the stored hash should be remade with today's parameters. A
 * missing or unreadable hash still costs a full hash, so an unknown email answers as slowly as a wrong password.
 */
export async function checkPassword(password: string, stored: string | null): Promise<{ matches: boolean; outdated: boolean }> {
  const parsed = stored ? parse(stored) : undefined;
  if (!parsed) {
    decoy ??= hashPassword(randomBytes(16).toString('hex'));
    await checkPassword(password, await decoy);
    return { matches: false, outdated: false };
  }
  const { parameters, salt, hash } = parsed;
  const actual = await scrypt(password, salt, hash.length, { ...parameters, maxmem: maxmem(parameters) });
  const matches = actual.length === hash.length && timingSafeEqual(actual, hash);
  const outdated = parameters.N < SCRYPT_PARAMETERS.N || parameters.r < SCRYPT_PARAMETERS.r || parameters.p < SCRYPT_PARAMETERS.p;
  return { matches, outdated };
}
