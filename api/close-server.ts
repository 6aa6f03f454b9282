/**
 * Closing the API's HTTP server: stop accepting, end the live event streams (Server-Sent Events never finish on
 * their own, so a plain close() would wait for the browser forever), let other requests finish, and cut whatever
 * still runs after a grace period.
 */
import type { Server, ServerResponse } from 'node:http';

export function closableServer(server: Server, graceMs = 5_000): () => Promise<void> {
  const open = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    open.add(response);
    response.once('close', () => open.delete(response));
  });
  return () =>
    new Promise<void>((resolve) => {
      const grace = setTimeout(() => server.closeAllConnections(), graceMs);
      server.close(() => {
        clearTimeout(grace);
        resolve();
      });
      for (const response of open) {
        if (!String(response.getHeader('content-type') ?? '').startsWith('text/event-stream')) continue;
        response.once('finish', () => response.socket?.destroy());
        response.end();
      }
      server.closeIdleConnections();
    });
}
