/**
 * The client's addresses: every view and every interaction has one under /app, so it can be linked, reloaded and
 * reached with back and forward. Navigation pushes a history entry; one hook gives every component the path.
 */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/app';
const NAVIGATED = 'mailroute:navigated';

/** The path under /app ("/desk/interactions/12"), without a trailing slash; "/" for the root. */
export function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return `/${path.replace(/^\/+|\/+$/g, '')}`;
}

/** Goes to `path` (under /app); `replace` corrects the address without a new history entry. */
export function navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
  if (path === currentPath()) return;
  if (replace) history.replaceState(null, '', `${BASE}${path}`);
  else history.pushState(null, '', `${BASE}${path}`);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The current path, following navigate() and the browser's back and forward. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return path;
}

/** The id in "/<view>/interactions/<id>", or null. */
export function interactionIdIn(path: string, view: string): number | null {
  const match = new RegExp(`^/${view}/interactions/(\\d+)$`).exec(path);
  return match ? Number(match[1]) : null;
}
