/**
 * The signed-in user across reloads, new tabs and outages. The session is an httpOnly cookie the page cannot read,
 * so the shell asks GET /api/me who it is: only a 401 means "logged out"; while the server cannot be reached it keeps
 * asking (and says "Reconnecting…") instead of dropping the user.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiReachable, getWithin, onReachability, post } from './api';
import type { LiveStatus } from './live';
import type { User } from './types';
import { ErrorText } from './ui';

const RETRY_MAX_MS = 5_000;
/** How long the session check waits for an answer before asking again. */
const SESSION_CHECK_TIMEOUT_MS = 8_000;

/** The user the session stands for: undefined while that is not known yet, null when logged out. */
export function useSession(): [User | null | undefined, (user: User | null) => void] {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = (delay: number) => {
      // Bounded: a request that never answers (a stalled connection) is asked again rather than leaving the page blank.
      getWithin<User>('/me', SESSION_CHECK_TIMEOUT_MS).then(
        (me) => !stopped && setUser(me),
        (failure: unknown) => {
          if (stopped) return;
          if (failure instanceof ApiError && failure.status === 401) return setUser(null);
          // Unreachable or failing: the session may well be fine; ask again.
          timer = setTimeout(() => ask(Math.min(delay * 2, RETRY_MAX_MS)), delay);
        },
      );
    };
    ask(500);
    const onUnauthorized = () => setUser(null);
    window.addEventListener('mailroute:unauthorized', onUnauthorized);
    return () => {
      stopped = true;
      clearTimeout(timer);
      window.removeEventListener('mailroute:unauthorized', onUnauthorized);
    };
  }, []);
  return [user, setUser];
}

export function useReachable(): boolean {
  const [reachable, setReachable] = useState(apiReachable());
  useEffect(() => onReachability(setReachable), []);
  return reachable;
}

/**
 * "Reconnecting…" while the API or the live stream cannot be reached. The status region is always there (empty when
 * all is well), so screen readers announce the change when it comes.
 */
export function ConnectionBanner({ live }: { live?: LiveStatus }) {
  const reachable = useReachable();
  const lost = !reachable || live === 'reconnecting';
  // A named section (a landmark), so the banner is never content outside the page's landmarks.
  return (
    <section class={lost ? 'connection-banner lost' : 'connection-banner'} aria-label="Connection">
      <div role="status" aria-live="polite">
        {lost ? "Reconnecting… The server can't be reached right now; what you type is kept." : ''}
      </div>
    </section>
  );
}

const LIVE_TEXT: Record<LiveStatus, string> = {
  live: '● live',
  connecting: '○ connecting',
  reconnecting: '○ reconnecting',
  closed: '○ offline',
};

export function LiveIndicator({ live }: { live: LiveStatus }) {
  return (
    <span class={`live ${live}`} role="status" aria-label={`Live events: ${live}`} title="Live events">
      {LIVE_TEXT[live]}
    </span>
  );
}

/** Logs out on the server (the token is revoked, the cookie cleared); the shell forgets the user once it has. */
export function LogoutButton({ onLoggedOut }: { onLoggedOut: () => void }) {
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        class="link"
        onClick={() =>
          post('/auth/logout').then(onLoggedOut, (failure: unknown) =>
            failure instanceof ApiError && failure.status === 401 ? onLoggedOut() : setError(failure),
          )
        }
      >
        Log out
      </button>
      {error !== null && <ErrorText error={error} />}
    </>
  );
}
