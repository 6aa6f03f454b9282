/** A run that decides its own offers: the pending reservations it named and the wake-ups agents send it. */
import type { OfferRef, RoutingContext } from '../../../domain/routing';
import type { RouteEmailInput } from '../../../contracts/route-email';
import { patched } from '@temporalio/workflow';
import { RoutingRun } from '../run';

export class PollingRun extends RoutingRun {
  /**
   * Pending offers: reservation → agent id. Named and entered here before the offer rows are written, so an
   * agent who sees the row can always accept it; cleared synchronously when an offer window ends.
   */
  readonly pending = new Map<string, number>();
  offerRound = 0;
  /** Set by agentsAvailable: a waiting run looks for agents again at once. */
  agentsMayBeAvailable = false;
  context: RoutingContext | undefined;

  constructor(input: RouteEmailInput) {
    super(input, false);
  }

  pendingOffers(): OfferRef[] {
    return [...this.pending].map(([reservation, agentId]) => ({ reservation, agentId }));
  }

  keepsSentCopy(): boolean {
    return patched('sent-folder-append');
  }
}
