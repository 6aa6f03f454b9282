/**
 * Guessing passwords gets slow: after a few failures in a row for one email, or many from one client address,
 * logging in waits — 1 s, then twice as long after each further failure, up to 15 minutes — and the API answers
 * 429 with Retry-After meanwhile. A success forgets the email's failures; a quiet quarter of an hour forgets any.
 */
import { TooManyRequestsError } from '../domain/errors';
import type { LoginThrottleStore } from '../store/login-throttle';

const FORGET_AFTER_MS = 15 * 60_000;
const MAX_LOCK_MS = 15 * 60_000;
/** Failures allowed before the first wait: an email (one person mistyping), a client address (an office behind NAT). */
const FREE_FAILURES = { email: 5, address: 20 };

const lockFor = (free: number) => (failures: number) => (failures <= free ? 0 : Math.min(1000 * 2 ** (failures - free - 1), MAX_LOCK_MS));

export function createLoginThrottle(store: LoginThrottleStore) {
  const keysOf = (email: string, address: string) => ({ email: `email:${email.toLowerCase()}`, address: `address:${address}` });
  return {
    /** Throws TooManyRequestsError while the email or the address must wait. */
    async check(email: string, address: string): Promise<void> {
      const keys = keysOf(email, address);
      const until = await store.lockedUntil([keys.email, keys.address]);
      if (until)
        throw new TooManyRequestsError(
          'too many failed logins: try again later',
          Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000)),
        );
    },

    async failed(email: string, address: string): Promise<void> {
      const keys = keysOf(email, address);
      await store.fail(keys.email, FORGET_AFTER_MS, lockFor(FREE_FAILURES.email));
      await store.fail(keys.address, FORGET_AFTER_MS, lockFor(FREE_FAILURES.address));
    },

    async succeeded(email: string, address: string): Promise<void> {
      await store.forget(keysOf(email, address).email);
    },
  };
}
