/** Transfers of interactions (issue 5). */
import type { RouterContext } from '../deps';

export function registerTransferRoutes({ route, deps }: RouterContext): void {
  void route;
  void deps;
}
