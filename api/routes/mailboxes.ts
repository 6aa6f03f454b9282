/** Mailbox watcher state, quarantine and re-ingest (issue 4). */
import type { RouterContext } from '../deps';

export function registerMailboxRoutes({ route, deps }: RouterContext): void {
  void route;
  void deps;
}
