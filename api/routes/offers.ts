/** The agent's offers: the pending ones (with the desk notification), accept (exactly one wins) and reject. */
import type { RouterContext } from '../deps';
import { presentPendingOffer } from '../desk-presenters';
import { idParams, z } from '../http';
import { offerAnswerSchema } from '../schemas/agent-actions';
import { offerAnswerResultSchema, pendingOfferSchema, type OfferAnswerResult, type PendingOffer } from '../schemas/desk-answers';

export function registerOfferRoutes({ route, store, offerAnswers }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/me/offers',
      summary: 'My pending offers',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      response: z.array(pendingOfferSchema),
    },
    async ({ user }): Promise<PendingOffer[]> => (await store.offers.pendingFor(user.id)).map(presentPendingOffer),
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
