/** Live events as Server-Sent Events: offers to the agent, routing steps and notes of the accounts the user may see. */
import type { RouterContext } from '../deps';

/** Proxies drop a silent connection: a comment line keeps it open. */
const KEEP_ALIVE_MS = 15_000;

export function registerLiveRoutes({ route, deps, visibility }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/events',
      summary: 'Live events (offers, routing steps) as Server-Sent Events',
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      status: 200,
    },
    async ({ user, response }) => {
      const accountIds = new Set(await visibility.accountIds(user));
      response.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      response.flushHeaders();
      response.write(': connected\n\n');
      let sequence = 0;
      const unsubscribe = deps.liveEvents.subscribe((event) => {
        if (!accountIds.has(event.accountId)) return;
        // An agent sees only their own offers; supervisors and admins see every offer of their accounts.
        if (event.kind === 'offer' && event.agentId !== user.id && user.role === 'agent') return;
        sequence += 1;
        response.write(`id: ${sequence}\nevent: ${event.kind === 'offer' ? 'offer' : event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      // 'close' of the response, not once(request): an aborted request also emits 'error', which once() would throw.
      await new Promise<void>((resolve) => response.once('close', () => resolve()));
      clearInterval(keepAlive);
      unsubscribe();
    },
  );
}
