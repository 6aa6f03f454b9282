/** Global settings, pause statuses, canned answers, contact lists, API tokens (issue 3). */
import type { RouterContext } from '../deps';

export function registerSettingsRoutes({ route, deps }: RouterContext): void {
  void route;
  void deps;
}
