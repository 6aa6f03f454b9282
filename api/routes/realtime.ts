/** The supervisor's realtime view of an account: waiting, offered and in progress per queue and agent, longest wait. */
import { summariseOpenInteractions } from '../../domain/realtime';
import type { RouterContext } from '../deps';
import { idParams } from '../http';
import { realtimeSchema, type RealtimeAccountView } from '../schemas/desk-answers';

export function registerRealtimeRoutes({ route, store, visibility }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/accounts/:id/realtime',
      summary: 'Realtime account view: waiting, offered and in progress per queue and agent, longest wait',
      tags: ['Supervisor'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      status: 200,
      response: realtimeSchema,
    },
    async ({ params, user }): Promise<RealtimeAccountView> => {
      await visibility.requireAccount(params.id, user);
      return { accountId: params.id, ...summariseOpenInteractions(await store.interactions.open(params.id), Date.now()) };
    },
  );
}
