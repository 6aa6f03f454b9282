/**
 * Interactions as the desk lists, exports and deletes them: a page of the search (keyset), pages of the CSV
 * export, read or unread, permanent deletion with raw sources and attachments, and the open ones a realtime view counts.
 */
import type { InteractionFilters, SearchSort } from '../domain/interaction-search';
import type { Database } from './db';
import { interactionWhere } from './interaction-search';

export interface SearchPageRequest {
  filters: InteractionFilters;
  sort: SearchSort;
  order: 'asc' | 'desc';
  take: number;
  /** The last row of the previous page, `[its sort value, its id]`: this page holds the rows strictly after it. */
  after?: [value: string | number, id: number];
}

/** Rows of one export query: the database's `IN` list stays short whatever the selection. */
const EXPORT_PAGE = 500;

export function createInteractionStore(db: Database) {
  return {
    /** One page of the interactions list, sorted by the chosen field then id; with the account key and agent name. */
    async search({ filters, sort, order, take, after }: SearchPageRequest) {
      let where = interactionWhere(filters);
      if (after) {
        const comparison = order === 'desc' ? 'lt' : 'gt';
        const [value, id] = after;
        const sortValue = sort === 'id' ? Number(value) : new Date(String(value));
        where = { AND: [where, { OR: [{ [sort]: { [comparison]: sortValue } }, { [sort]: sortValue, id: { [comparison]: id } }] }] };
      }
      const rows = await db.interaction.findMany({
        where,
        orderBy: [{ [sort]: order }, { id: order }],
        take,
        include: { account: { select: { key: true } }, agent: { select: { name: true } } },
      });
      return rows.map(({ account, agent, ...interaction }) => ({
        ...interaction,
        accountKey: account.key,
        agentName: agent?.name ?? null,
      }));
    },

    /** The selected interactions in id order, a page at a time, with what the CSV shows of their account, agent and disposition. */
    async *exportRows(ids: number[]) {
      for (let start = 0; start < ids.length; start += EXPORT_PAGE) {
        yield await db.interaction.findMany({
          where: { id: { in: ids.slice(start, start + EXPORT_PAGE) } },
          orderBy: { id: 'asc' },
          include: { account: { select: { key: true } }, agent: { select: { name: true } }, disposition: { select: { name: true } } },
        });
      }
    },

    /** What deleting these interactions ends: the routing workflows that own them and the agents they load. */
    async routingOf(ids: number[]): Promise<Array<{ routingWorkflowId: string | null; agentIds: number[] }>> {
      const rows = await db.interaction.findMany({
        where: { id: { in: ids } },
        select: { routingWorkflowId: true, agentId: true, offers: { where: { state: 'pending' }, select: { userId: true } } },
      });
      return rows.map((row) => ({
        routingWorkflowId: row.routingWorkflowId,
        agentIds: [...new Set([...(row.agentId === null ? [] : [row.agentId]), ...row.offers.map((offer) => offer.userId)])],
      }));
    },

    /**
     * Marks the interaction read by its holder, unless a customer message came after `seenLastMessageAt` (what the
     * holder was shown): that one is still unread. True when it changed.
     */
    async markReadByHolder(id: number, agentId: number, seenLastMessageAt: Date): Promise<boolean> {
      const { count } = await db.interaction.updateMany({
        where: { id, agentId, read: false, lastMessageAt: seenLastMessageAt },
        data: { read: true },
      });
      return count > 0;
    },

    async setRead(id: number, read: boolean): Promise<void> {
      await db.interaction.update({ where: { id }, data: { read } });
    },

    /** Deletes the interactions with their messages, events and offers, and the bytes nothing else uses; audited. */
    async deletePermanently(ids: number[], actorId: number): Promise<void> {
      const messages = await db.message.findMany({
        where: { interactionId: { in: ids } },
        select: { rawSha256: true, attachments: { select: { sha256: true } } },
      });
      const blobs = [
        ...new Set(
          messages
            .flatMap((message) => [message.rawSha256, ...message.attachments.map((attachment) => attachment.sha256)])
            .filter((sha): sha is string => Boolean(sha)),
        ),
      ];
      await db.$transaction(async (tx) => {
        await tx.interaction.deleteMany({ where: { id: { in: ids } } });
        // Raw sources and attachments go too, unless another message (or a quarantined email) still uses the same bytes.
        await tx.$executeRaw`DELETE FROM "Blob" b WHERE b.sha256 = ANY(${blobs}::text[])
          AND NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."rawSha256" = b.sha256)
          AND NOT EXISTS (SELECT 1 FROM "Attachment" a WHERE a.sha256 = b.sha256)
          AND NOT EXISTS (SELECT 1 FROM "QuarantinedEmail" q WHERE q."rawSha256" = b.sha256)`;
        await tx.auditLog.createMany({
          data: ids.map((id) => ({ actorId, action: 'delete', entity: 'interaction', entityId: String(id), detail: { permanent: true } })),
        });
      });
    },
  };
}

export type InteractionStore = ReturnType<typeof createInteractionStore>;
