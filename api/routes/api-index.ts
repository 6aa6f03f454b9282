/** GET /api: where to go from the API's root (the start banner prints it), since the API has no page of its own. */
import type { RouterContext } from '../deps';
import { z } from '../http';

const link = z.object({ href: z.string(), title: z.string() });
const apiIndexSchema = z
  .object({
    name: z.literal('mailroute'),
    links: z.object({ openapi: link, docs: link, app: link, health: link }),
  })
  .meta({ id: 'ApiIndex' });

export function registerApiIndexRoutes({ route }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/',
      summary: "The API's index: links to its OpenAPI document, the docs UI and the web client",
      tags: ['Meta'],
      roles: 'public',
      response: apiIndexSchema,
    },
    async () => ({
      name: 'mailroute' as const,
      links: {
        openapi: { href: '/openapi.json', title: 'OpenAPI document (every route of /api)' },
        docs: { href: '/docs', title: 'API docs (Swagger UI)' },
        app: { href: '/app/', title: 'Web client (agent desk, supervisor, admin)' },
        health: { href: '/health', title: 'Health check' },
      },
    }),
  );
}
