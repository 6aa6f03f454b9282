/** The shell: login, then the agent desk, the supervisor view and the admin pages, by role. */
import { useEffect, useState } from 'preact/hooks';
import { post } from './api';
import { Admin } from './admin/Admin';
import { Desk } from './agent/Desk';
import { clearDrafts, setDraftOwner } from './drafts';
import { onLiveStatus, liveStatus, startLiveEvents, stopLiveEvents } from './live';
import { ConnectionBanner, LiveIndicator, LogoutButton, useSession } from './session';
import { Supervisor } from './supervisor/Supervisor';
import type { User } from './types';
import { ErrorText } from './ui';

type Page = 'desk' | 'supervisor' | 'admin';
const BASE = '/app';

function pageOf(pathname: string): Page | null {
  const name = pathname.startsWith(BASE) ? pathname.slice(BASE.length).replace(/^\/+|\/+$/g, '') : '';
  return name === 'desk' || name === 'supervisor' || name === 'admin' ? name : null;
}

function pagesFor(user: User): Page[] {
  if (user.role === 'admin') return ['desk', 'supervisor', 'admin'];
  if (user.role === 'supervisor') return ['desk', 'supervisor'];
  return ['desk'];
}

const LABELS: Record<Page, string> = { desk: 'Agent desk', supervisor: 'Supervisor', admin: 'Admin' };

function Login({ onLogin }: { onLogin: (user: User) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="login">
      <form
        aria-labelledby="login-title"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          try {
            const result = await post<{ token: string; user: User }>('/auth/login', { email, password });
            onLogin(result.user);
          } catch (failure) {
            setError(failure);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1 id="login-title">mailroute</h1>
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <ErrorText error={error} />
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
    </main>
  );
}

export function App() {
  const [user, setUser] = useSession();
  const [pathname, setPathname] = useState(location.pathname);
  const [live, setLive] = useState(liveStatus());

  useEffect(() => {
    const onPop = () => setPathname(location.pathname);
    window.addEventListener('popstate', onPop);
    const unsubscribe = onLiveStatus(setLive);
    return () => {
      window.removeEventListener('popstate', onPop);
      unsubscribe();
    };
  }, []);

  // One stream per signed-in user: a change to the user (their presence) must not restart it.
  const userId = user?.id;
  useEffect(() => {
    if (userId === undefined) return;
    startLiveEvents();
    return () => stopLiveEvents();
  }, [userId]);

  // Set while rendering, before any composer below reads its draft: drafts are per signed-in user.
  setDraftOwner(user?.id ?? null);
  // Who the session is, while the server cannot say: ask again until it can (never a logout).
  if (user === undefined)
    return (
      <main class="login">
        <h1>mailroute</h1>
        <ConnectionBanner />
        <p class="notice">Loading…</p>
      </main>
    );
  if (!user) return <Login onLogin={setUser} />;

  const pages = pagesFor(user);
  const requested = pageOf(pathname);
  const page: Page = requested && pages.includes(requested) ? requested : user.role === 'supervisor' ? 'supervisor' : 'desk';
  const navigate = (target: Page) => {
    history.pushState(null, '', `${BASE}/${target}`);
    setPathname(location.pathname);
  };

  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">mailroute</span>
        <nav aria-label="Sections">
          {pages.map((name) => (
            <a
              key={name}
              href={`${BASE}/${name}`}
              aria-current={name === page ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(name);
              }}
            >
              {LABELS[name]}
            </a>
          ))}
        </nav>
        <LiveIndicator live={live} />
        <span class="who">
          {user.name} ({user.role})
        </span>
        <LogoutButton
          onLoggedOut={() => {
            clearDrafts(user.id);
            setUser(null);
          }}
        />
      </header>
      <ConnectionBanner live={live} />
      {page === 'desk' && <Desk user={user} onUserChange={setUser} />}
      {page === 'supervisor' && <Supervisor user={user} />}
      {page === 'admin' && <Admin />}
    </div>
  );
}
