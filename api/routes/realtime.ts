/**
 * The supervisor's realtime view of an account: waiting, offered and in progress in all and per queue, the longest wait,
 * and every agent of the account with presence, pause reason, time in state, offers pending and interactions held.
 */
import { summariseOpenInteractions } from '../../domain/realtime';
import type { RouterContext } from '../deps';
import { idParams } from '../http';
import { realtimeSchema, type RealtimeAccountView } from '../schemas/desk-answers';

export function registerRealtimeRoutes({ route, store, visibility }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/accounts/:id/realtime',
      summary: 'Realtime account view: waiting, offered and in progress per queue, longest wait, and the team with presence and load',
      tags: ['Supervisor'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      status: 200,
      response: realtimeSchema,
    },
    async ({ params, user }): Promise<RealtimeAccountView> => {
      await visibility.requireAccount(params.id, user);
      const { interactions, offers, team } = await store.realtime.snapshot(params.id);
      return { accountId: params.id, ...summariseOpenInteractions(interactions, offers, team, Date.now()) };
    },
  );
}
