/** The agent's offers: the pending ones (with the desk notification), accept (exactly one wins) and reject. */
import type { RouterContext } from '../deps';
import { presentPendingOffer } from '../desk-presenters';
import { idParams } from '../http';
import { listResponse } from '../listing';
import { offerAnswerSchema } from '../schemas/agent-actions';
import { offerAnswerResultSchema, pendingOfferSchema, type OfferAnswerResult, type PendingOffer } from '../schemas/desk-answers';

export function registerOfferRoutes({ route, store, offerAnswers }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/me/offers',
      summary: 'My pending offers, all on one page (nextCursor is always null)',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      // One page holds them all (an agent has few offers at once): the list's shape is every other list's.
      response: listResponse(pendingOfferSchema),
    },
    async ({ user }): Promise<{ items: PendingOffer[]; nextCursor: null }> => ({
      items: (await store.offers.pendingFor(user.id)).map(presentPendingOffer),
      nextCursor: null,
    }),
  );

  route(
    {
      method: 'post',
      path: '/offers/:id/accept',
      summary: 'Accept an offer (exactly one accept wins; others get 409)',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: offerAnswerSchema,
      status: 200,
      errors: [409],
      response: offerAnswerResultSchema,
    },
    async ({ params, user }): Promise<OfferAnswerResult> => offerAnswers.accept(params.id, user.id),
  );

  route(
    {
      method: 'post',
      path: '/offers/:id/reject',
      summary: 'Reject an offer; routing moves on at once',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: offerAnswerSchema,
      status: 200,
      errors: [409],
      response: offerAnswerResultSchema,
    },
    async ({ params, user }): Promise<OfferAnswerResult> => offerAnswers.reject(params.id, user.id),
  );
}
