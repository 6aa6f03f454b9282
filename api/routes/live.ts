/**
 * Live events as Server-Sent Events: offers to the agent, routing steps and notes of the accounts the user may see, the
 * user's own presence, and for supervisors and admins the presence of their accounts' agents.
 */
import type { AccountEvent, LiveEvent } from '../../domain/live-events';
import { authenticateToken } from '../../services/auth';
import { requestToken } from '../auth';
import type { RouterContext } from '../deps';
import type { AuthenticatedUser } from '../http';

/**
 * A comment line every this many seconds: proxies keep the connection open, and the client knows the server is
 * there (it reconnects after two heartbeats of silence; the answer's `x-heartbeat-seconds` tells it the rhythm).
 */
export const HEARTBEAT_SECONDS = 15;

export function registerLiveRoutes({ route, deps, store, visibility }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/events',
      summary: "Live events (offers, routing steps, the user's own presence, a supervisor's agents' presence) as Server-Sent Events",
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      status: 200,
      produces: 'text/event-stream',
    },
    async ({ user, request, response }) => {
      const token = requestToken(request)?.token ?? '';
      let viewer: AuthenticatedUser = user;
      let accountIds = new Set(await visibility.accountIds(user));
      const heartbeatSeconds = deps.liveHeartbeatSeconds ?? HEARTBEAT_SECONDS;
      response.status(200).set({
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-heartbeat-seconds': String(heartbeatSeconds),
      });
      response.flushHeaders();
      response.write(': connected\n\n');
      let sequence = 0;

      /** Who the stream is for, again: a revoked token or a deleted user ends it; memberships and role are re-read. */
      const checkAgain = async () => {
        const current = await authenticateToken(store.tokens, token);
        if (!current) {
          response.end();
          return;
        }
        viewer = current;
        accountIds = new Set(await visibility.accountIds(current));
      };
      const deliver = (event: AccountEvent) => {
        if (!accountIds.has(event.accountId)) return;
        // An agent sees only their own offers; supervisors and admins see every offer of their accounts.
        if (event.kind === 'offer' && event.agentId !== viewer.id && viewer.role === 'agent') return;
        sequence += 1;
        response.write(`id: ${sequence}\nevent: ${event.kind === 'offer' ? 'offer' : event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      /**
       * A presence as the server now has it (routing may pause an agent who let an offer go): the user's own, and for
       * supervisors and admins, that of the agents of their accounts. Only the viewer's accounts are named.
       */
      const deliverPresence = (event: Extract<LiveEvent, { kind: 'presence' }>) => {
        const shared = (event.accountIds ?? []).filter((accountId) => accountIds.has(accountId));
        if (event.userId !== viewer.id && (viewer.role === 'agent' || shared.length === 0)) return;
        sequence += 1;
        response.write(`id: ${sequence}\nevent: presence\ndata: ${JSON.stringify({ ...event, accountIds: shared })}\n\n`);
      };
      // In order: while access is checked again, the events after the change wait for its answer.
      let pending = Promise.resolve();
      const unsubscribe = deps.liveEvents.subscribe((event: LiveEvent) => {
        pending = pending
          .then(async () => {
            if (response.writableEnded) return;
            if (event.kind === 'presence') return deliverPresence(event);
            if (event.kind !== 'access') return deliver(event);
            if (event.userIds === null || event.userIds.includes(viewer.id)) await checkAgain();
          })
          .catch(() => {
            // Access could not be checked (the database is away): stop rather than deliver on stale access.
            response.end();
          });
      });
      const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), heartbeatSeconds * 1000);
      // 'close' of the response, not once(request): an aborted request also emits 'error', which once() would throw.
      await new Promise<void>((resolve) => response.once('close', () => resolve()));
      clearInterval(keepAlive);
      unsubscribe();
    },
  );
}
