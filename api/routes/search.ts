/** The interactions list: simple filters plus the advanced search (conditions, all/any), keyset-paginated. */
import { keysetCursor } from '../cursor';
import type { RouterContext } from '../deps';
import { presentSearchItem } from '../desk-presenters';
import { AppError } from '../http';
import { interactionSearchAnswerSchema, type InteractionSearchAnswer } from '../schemas/desk-answers';
import { interactionSearchSchema } from '../schemas/interaction-search';

export function registerSearchRoutes({ route, store, visibility }: RouterContext): void {
  route(
    {
      method: 'post',
      path: '/interactions/search',
      summary: 'List interactions with filters and advanced search (cursor pagination)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor', 'agent'],
      body: interactionSearchSchema,
      status: 200,
      errors: [404],
      response: interactionSearchAnswerSchema,
    },
    async ({ body, user }): Promise<InteractionSearchAnswer> => {
      const visible = await visibility.accountIds(user);
      const accountIds = body.accountId === undefined ? visible : visible.filter((id) => id === body.accountId);
      if (body.accountId !== undefined && accountIds.length === 0) throw AppError.notFound(`email account ${body.accountId}`);
      const rows = await store.interactions.search({
        filters: {
          accountIds,
          ...(body.from ? { from: new Date(body.from) } : {}),
          ...(body.to ? { to: new Date(body.to) } : {}),
          ...(body.read !== undefined ? { read: body.read } : {}),
          ...(body.status ? { status: body.status } : {}),
          ...(body.agentId !== undefined ? { agentId: body.agentId } : {}),
          ...(body.tags ? { tags: body.tags } : {}),
          ...(body.sla ? { sla: { state: body.sla, ...(body.slaTarget ? { target: body.slaTarget } : {}) } } : {}),
          match: body.match,
          conditions: body.conditions,
        },
        sort: body.sort,
        order: body.order,
        // One row more than the page tells whether a next page exists.
        take: body.limit + 1,
        ...(body.cursor ? { after: keysetCursor.decode(body.cursor, body.sort === 'id' ? 'id' : 'date') } : {}),
      });
      const items = rows.slice(0, body.limit);
      const last = items[items.length - 1];
      const nextCursor =
        rows.length > body.limit && last
          ? keysetCursor.encode(body.sort === 'id' ? last.id : last[body.sort].toISOString(), last.id)
          : null;
      return { items: items.map(presentSearchItem), nextCursor };
    },
  );
}
