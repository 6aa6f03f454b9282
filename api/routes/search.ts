/** The interactions list: simple filters plus the advanced search (conditions, all/any), keyset-paginated. */
import { SEARCH_FIELDS, SEARCH_OPERATORS, SEARCH_SORTS, type SearchField } from '../../domain/interaction-search';
import { keysetCursor } from '../cursor';
import type { RouterContext } from '../deps';
import { presentSearchItem } from '../desk-presenters';
import { AppError, z } from '../http';
import { interactionSearchAnswerSchema, type InteractionSearchAnswer } from '../schemas/desk-answers';

const conditionSchema = z
  .object({
    field: z.enum(Object.keys(SEARCH_FIELDS) as [SearchField, ...SearchField[]]),
    operator: z.enum(SEARCH_OPERATORS),
    value: z
      .union([z.string().max(1000), z.number(), z.boolean(), z.array(z.union([z.string().max(1000), z.number()])).max(1000)])
      .optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export const interactionSearchSchema = z
  .object({
    accountId: z.number().int().positive().optional(),
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
    read: z.boolean().optional(),
    status: z.enum(['open', 'closed']).optional(),
    agentId: z.number().int().positive().optional(),
    tags: z.array(z.string().max(64)).max(50).optional(),
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(conditionSchema).max(50).default([]),
    sort: z.enum(SEARCH_SORTS).default('createdAt'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict()
  .openapi('InteractionSearch');

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
          match: body.match,
          conditions: body.conditions,
        },
        sort: body.sort,
        order: body.order,
        // One row more than the page tells whether a next page exists.
        take: body.limit + 1,
        ...(body.cursor ? { after: keysetCursor.decode(body.cursor) } : {}),
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
