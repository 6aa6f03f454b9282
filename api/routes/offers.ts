/** The agent's offers: the pending ones (with the desk notification), accept (exactly one wins) and reject. */
import { acceptOfferUpdate, rejectOfferUpdate } from '../../contracts/route-email';
import type { RouterContext } from '../deps';
import { presentPendingOffer } from '../desk-presenters';
import { AppError, idParams, z, type AuthenticatedUser } from '../http';
import { offerAnswerSchema } from '../schemas/agent-actions';
import { offerAnswerResultSchema, pendingOfferSchema, type OfferAnswerResult, type PendingOffer } from '../schemas/desk-answers';
import { asConflict } from '../workflow-answers';

export function registerOfferRoutes({ route, deps, store }: RouterContext): void {
  const { temporal } = deps;

  /** An offer made to this user that is still pending: 404 for anyone else's, 409 once answered or ended. */
  async function ownPendingOffer(id: number, user: AuthenticatedUser) {
    const offer = await store.offers.find(id);
    if (!offer || offer.userId !== user.id) throw AppError.notFound(`offer ${id}`);
    if (offer.state !== 'pending') throw AppError.conflict(`offer ${id} is ${offer.state}`);
    return offer;
  }

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
      response: offerAnswerResultSchema,
    },
    async ({ params, user }): Promise<OfferAnswerResult> => {
      const offer = await ownPendingOffer(params.id, user);
      const result = await asConflict(() =>
        temporal.workflow
          .getHandle(offer.workflowId)
          .executeUpdate(acceptOfferUpdate, { args: [{ reservation: offer.reservation, agentId: user.id }] }),
      );
      return { offerId: offer.id, interactionId: result.interactionId, state: 'accepted' };
    },
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
      response: offerAnswerResultSchema,
    },
    async ({ params, user }): Promise<OfferAnswerResult> => {
      const offer = await ownPendingOffer(params.id, user);
      await asConflict(() =>
        temporal.workflow
          .getHandle(offer.workflowId)
          .executeUpdate(rejectOfferUpdate, { args: [{ reservation: offer.reservation, agentId: user.id }] }),
      );
      return { offerId: offer.id, state: 'rejected' };
    },
  );
}
