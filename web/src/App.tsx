/** The shell: login, then the agent desk, the supervisor view and the admin pages, by role. */
import { useEffect, useState } from 'preact/hooks';
import { post } from './api';
import { Admin } from './admin/Admin';
import { Desk } from './agent/Desk';
import { clearDrafts, setDraftOwner } from './drafts';
import { onLiveStatus, liveStatus, startLiveEvents, stopLiveEvents } from './live';
import { ConnectionBanner, LiveIndicator, LogoutButton, useSession } from './session';
import { BASE, navigate, usePath } from './router';
import { Supervisor } from './supervisor/Supervisor';
import { LazyReports } from './reports/LazyReports';
import type { User } from './types';
import { ErrorText } from './ui';

type Page = 'desk' | 'supervisor' | 'reports' | 'admin';

/** The view named by the path's first segment ("/desk/interactions/12" → desk). */
function pageOf(path: string): Page | null {
  const name = path.split('/')[1];
  return name === 'desk' || name === 'supervisor' || name === 'reports' || name === 'admin' ? name : null;
}

function pagesFor(user: User): Page[] {
  if (user.role === 'admin') return ['desk', 'supervisor', 'reports', 'admin'];
  if (user.role === 'supervisor') return ['desk', 'supervisor', 'reports'];
  return ['desk', 'reports'];
}

const LABELS: Record<Page, string> = { desk: 'Agent desk', supervisor: 'Supervisor', reports: 'Reports', admin: 'Admin' };

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

/** Puts the view shown into the address bar when the address named none (or one this user may not open). */
function ReplacePath({ with: path }: { with: string }) {
  useEffect(() => navigate(path, { replace: true }), [path]);
  return null;
}

export function App() {
  const [user, setUser] = useSession();
  const path = usePath();
  const [live, setLive] = useState(liveStatus());

  useEffect(() => {
    return onLiveStatus(setLive);
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
  const requested = pageOf(path);
  const page: Page = requested && pages.includes(requested) ? requested : user.role === 'supervisor' ? 'supervisor' : 'desk';

  return (
    <div class="shell">
      {requested !== page && <ReplacePath with={`/${page}`} />}
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
                navigate(`/${name}`);
              }}
            >
              {name === 'reports' && user.role === 'agent' ? 'My figures' : LABELS[name]}
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
      {page === 'reports' && <LazyReports user={user} />}
      {page === 'admin' && <Admin />}
    </div>
  );
}
