/**
 * The interactions section of the agent desk and supervisor tools: list with filters and advanced search,
 * CSV export, zip download of a thread, internal notes, permanent deletion (with confirmation and audit),
 * and live events over Server-Sent Events.
 */
import { once } from 'node:events';
import MailComposer from 'nodemailer/lib/mail-composer';
import yazl from 'yazl';
import { assistants } from '../../domain/assistant';
import { readBlob } from '../../store/blobs';
import { summariseOpenInteractions } from '../../domain/realtime';
import type { Database } from '../../store/db';
import { interactionWhere, SEARCH_FIELDS, SEARCH_OPERATORS, SearchConditionError } from '../../store/interaction-search';
import type { RouterContext } from '../deps';
import { AppError, idParams, z, type AuthenticatedUser } from '../http';

const conditionSchema = z
  .object({
    field: z.enum(Object.keys(SEARCH_FIELDS) as [keyof typeof SEARCH_FIELDS, ...Array<keyof typeof SEARCH_FIELDS>]),
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
    sort: z.enum(['createdAt', 'lastMessageAt', 'id']).default('createdAt'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict()
  .openapi('InteractionSearch');

const idsSchema = z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000) }).strict();
const exportSchema = idsSchema
  .extend({ bom: z.boolean().default(false) })
  .strict()
  .openapi('InteractionExport');
const bulkDeleteSchema = idsSchema.extend({ confirm: z.literal(true, { message: 'must be true: deletion is permanent' }) }).strict();
const deleteQuery = z.object({ confirm: z.literal('true', { message: 'must be "true": deletion is permanent' }) }).strict();
const downloadQuery = z.object({ attachments: z.enum(['true', 'false']).default('true') }).strict();
const noteSchema = z
  .object({ text: z.string().trim().min(1).max(100_000) })
  .strict()
  .openapi('InternalNote');

const CSV_COLUMNS = [
  'id',
  'accountKey',
  'subject',
  'customerEmail',
  'customerName',
  'status',
  'read',
  'agent',
  'queueId',
  'priority',
  'tags',
  'disposition',
  'createdAt',
  'closedAt',
] as const;

/** RFC 4180 quoting; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function encodeCursor(value: string | number, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string | number, number] {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[1] === 'number') return decoded as [string | number, number];
  } catch {
    // fall through
  }
  throw AppError.badRequest('cursor is not one this API returned', [{ field: 'cursor', reason: 'malformed cursor' }]);
}

export async function visibleAccountIds(db: Database, user: AuthenticatedUser): Promise<number[]> {
  if (user.role === 'admin') return (await db.emailAccount.findMany({ select: { id: true } })).map((account) => account.id);
  return (await db.accountAgent.findMany({ where: { userId: user.id }, select: { accountId: true } })).map((link) => link.accountId);
}

export function registerDeskRoutes({ route, deps }: RouterContext): void {
  const { db, liveEvents } = deps;

  async function visibleInteractions(ids: number[], user: AuthenticatedUser) {
    const accountIds = await visibleAccountIds(db, user);
    const found = await db.interaction.findMany({ where: { id: { in: ids }, accountId: { in: accountIds } }, select: { id: true } });
    if (found.length !== new Set(ids).size)
      throw AppError.notFound(`interactions ${ids.filter((id) => !found.some((row) => row.id === id)).join(', ')}`);
    return ids;
  }

  route(
    {
      method: 'post',
      path: '/interactions/search',
      summary: 'List interactions with filters and advanced search (cursor pagination)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor', 'agent'],
      body: interactionSearchSchema,
      status: 200,
    },
    async ({ body, user }) => {
      const visible = await visibleAccountIds(db, user);
      const accountIds = body.accountId === undefined ? visible : visible.filter((id) => id === body.accountId);
      if (body.accountId !== undefined && accountIds.length === 0) throw AppError.notFound(`email account ${body.accountId}`);
      let where;
      try {
        where = interactionWhere({
          accountIds,
          ...(body.from ? { from: new Date(body.from) } : {}),
          ...(body.to ? { to: new Date(body.to) } : {}),
          ...(body.read !== undefined ? { read: body.read } : {}),
          ...(body.status ? { status: body.status } : {}),
          ...(body.agentId !== undefined ? { agentId: body.agentId } : {}),
          ...(body.tags ? { tags: body.tags } : {}),
          match: body.match,
          conditions: body.conditions,
        });
      } catch (error) {
        if (error instanceof SearchConditionError)
          throw AppError.badRequest(error.message, [{ field: `conditions.${error.index}`, reason: error.message }]);
        throw error;
      }
      const comparison = body.order === 'desc' ? 'lt' : 'gt';
      if (body.cursor) {
        const [value, id] = decodeCursor(body.cursor);
        const sortValue = body.sort === 'id' ? Number(value) : new Date(String(value));
        where = {
          AND: [where, { OR: [{ [body.sort]: { [comparison]: sortValue } }, { [body.sort]: sortValue, id: { [comparison]: id } }] }],
        };
      }
      const rows = await db.interaction.findMany({
        where,
        orderBy: [{ [body.sort]: body.order }, { id: body.order }],
        take: body.limit + 1,
        include: { account: { select: { key: true } }, agent: { select: { name: true } } },
      });
      const items = rows.slice(0, body.limit);
      const last = items[items.length - 1];
      const nextCursor =
        rows.length > body.limit && last
          ? encodeCursor(body.sort === 'id' ? last.id : (last[body.sort] as Date).toISOString(), last.id)
          : null;
      return {
        items: items.map(({ account, agent, ...interaction }) => ({
          ...interaction,
          accountKey: account.key,
          agentName: agent?.name ?? null,
        })),
        nextCursor,
      };
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/export',
      summary: 'CSV export of selected interactions (streamed; bom adds a UTF-8 BOM for spreadsheets)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor'],
      body: exportSchema,
      status: 200,
    },
    async ({ body, user, response }) => {
      const ids = await visibleInteractions(body.ids, user);
      response.status(200).type('text/csv; charset=utf-8').attachment('interactions.csv');
      if (body.bom) response.write('\uFEFF');
      response.write(`${CSV_COLUMNS.join(',')}\r\n`);
      for (let start = 0; start < ids.length; start += 500) {
        const page = await db.interaction.findMany({
          where: { id: { in: ids.slice(start, start + 500) } },
          orderBy: { id: 'asc' },
          include: { account: { select: { key: true } }, agent: { select: { name: true } }, disposition: { select: { name: true } } },
        });
        for (const row of page) {
          const cells = [
            row.id,
            row.account.key,
            row.subject,
            row.customerEmail,
            row.customerName,
            row.status,
            row.read,
            row.agent?.name,
            row.queueId,
            row.priority,
            row.tags.join(';'),
            row.disposition?.name,
            row.createdAt,
            row.closedAt,
          ];
          if (!response.write(`${cells.map(csvCell).join(',')}\r\n`)) await once(response, 'drain');
        }
      }
      response.end();
    },
  );

  async function deletePermanently(ids: number[], actorId: number): Promise<void> {
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
  }

  route(
    {
      method: 'post',
      path: '/interactions/bulk-delete',
      summary: 'Delete selected interactions permanently, with their raw sources and attachments',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor'],
      body: bulkDeleteSchema,
      status: 200,
    },
    async ({ body, user }) => {
      const ids = await visibleInteractions(body.ids, user);
      await deletePermanently(ids, user.id);
      return { deleted: ids.length };
    },
  );

  route(
    {
      method: 'delete',
      path: '/interactions/:id',
      summary: 'Delete one interaction permanently (requires ?confirm=true; audited)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      query: deleteQuery,
      status: 200,
    },
    async ({ params, user }) => {
      const [id] = await visibleInteractions([params.id], user);
      await deletePermanently([id!], user.id);
      return { deleted: 1 };
    },
  );

  route(
    {
      method: 'post',
      path: '/interactions/:id/notes',
      summary: 'Add an internal note (never sent to the customer)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      body: noteSchema,
    },
    async ({ params, body, user }) => {
      const [id] = await visibleInteractions([params.id], user);
      const interaction = await db.interaction.findUniqueOrThrow({ where: { id: id! } });
      const note = await db.message.create({
        data: {
          interactionId: interaction.id,
          accountId: interaction.accountId,
          direction: 'note',
          text: body.text,
          authorId: user.id,
          subject: '',
        },
      });
      const event = await db.routingEvent.create({
        data: { interactionId: interaction.id, messageId: note.id, type: 'note-added', detail: { authorId: user.id, noteId: note.id } },
      });
      // Whoever reads the thread live (the holder, a supervisor spying) sees the note at once.
      await liveEvents.publish({
        kind: 'routing',
        accountId: interaction.accountId,
        interactionId: interaction.id,
        type: 'note-added',
        detail: { authorId: user.id, noteId: note.id },
        at: event.createdAt.toISOString(),
      });
      return {
        id: note.id,
        interactionId: interaction.id,
        direction: note.direction,
        text: note.text,
        authorId: user.id,
        createdAt: note.createdAt.toISOString(),
      };
    },
  );

  route(
    {
      method: 'get',
      path: '/interactions/:id/download',
      summary: 'The thread as a zip of numbered .eml files, with or without attachments (streamed)',
      tags: ['Interactions'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      query: downloadQuery,
      status: 200,
    },
    async ({ params, query, user, response }) => {
      const [id] = await visibleInteractions([params.id], user);
      const messages = await db.message.findMany({
        where: { interactionId: id!, direction: { not: 'note' } },
        orderBy: { id: 'asc' },
        include: { attachments: true },
      });
      const zip = new yazl.ZipFile();
      response
        .status(200)
        .type('application/zip')
        .attachment(`interaction-${id}${query.attachments === 'true' ? '' : '-without-attachments'}.zip`);
      zip.outputStream.pipe(response);
      let number = 0;
      for (const message of messages) {
        number += 1;
        const prefix = String(number).padStart(3, '0');
        if (query.attachments === 'true') {
          const raw = message.rawSha256 ? await readBlob(db, message.rawSha256) : null;
          zip.addBuffer(raw ?? (await textOnlyEml(message)), `${prefix}.eml`);
          for (const attachment of message.attachments) {
            const content = await readBlob(db, attachment.sha256);
            if (content)
              zip.addBuffer(content, `${prefix}-attachments/${safeFilename(attachment.filename ?? `attachment-${attachment.id}`)}`);
          }
        } else {
          zip.addBuffer(await textOnlyEml(message), `${prefix}.eml`);
        }
      }
      zip.end();
      await once(zip.outputStream, 'end');
    },
  );

  route(
    {
      method: 'get',
      path: '/interactions/:id/suggestions',
      summary: "The account's assistant suggests canned answers and similar past replies for the latest message",
      tags: ['Agent desk'],
      roles: ['admin', 'supervisor', 'agent'],
      params: idParams,
      status: 200,
    },
    async ({ params, user }) => {
      const [id] = await visibleInteractions([params.id], user);
      const interaction = await db.interaction.findUniqueOrThrow({ where: { id: id! }, include: { account: true } });
      const assistant = assistants[interaction.account.assistant ?? 'builtin'] ?? assistants.builtin!;
      const latest = await db.message.findFirst({
        where: { interactionId: interaction.id, direction: 'inbound' },
        orderBy: { id: 'desc' },
      });
      const [cannedAnswers, pastReplies] = await Promise.all([
        db.cannedAnswer.findMany({ where: { OR: [{ accountId: null }, { accountId: interaction.accountId }] }, take: 1000 }),
        db.message.findMany({
          where: { accountId: interaction.accountId, direction: 'outbound', interactionId: { not: interaction.id } },
          orderBy: { id: 'desc' },
          take: 500,
        }),
      ]);
      const suggestions = assistant.suggest(
        `${latest?.subject ?? interaction.subject} ${latest?.text ?? ''}`,
        [
          ...cannedAnswers.map((answer) => ({ kind: 'canned-answer' as const, id: answer.id, title: answer.name, text: answer.body })),
          ...pastReplies.map((reply) => ({ kind: 'past-reply' as const, id: reply.id, title: reply.subject, text: reply.text ?? '' })),
        ],
        5,
      );
      return { assistant: assistant.name, suggestions };
    },
  );

  route(
    {
      method: 'get',
      path: '/interactions/:id/workflows',
      summary: "The routing workflows an interaction went through, newest first, with links to Temporal's Web UI (also once closed)",
      tags: ['Supervisor'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      status: 200,
    },
    async ({ params, user }) => {
      const [id] = await visibleInteractions([params.id], user);
      const [interaction, events] = await Promise.all([
        db.interaction.findUniqueOrThrow({ where: { id: id! }, select: { routingWorkflowId: true } }),
        db.routingEvent.groupBy({
          by: ['workflowId'],
          where: { interactionId: id!, workflowId: { not: null } },
          _min: { createdAt: true },
          _max: { createdAt: true },
        }),
      ]);
      const url = (workflowId: string) =>
        deps.links.temporalUiUrl
          ? `${deps.links.temporalUiUrl}/namespaces/${deps.links.namespace}/workflows/${encodeURIComponent(workflowId)}`
          : null;
      const items = events
        .map((event) => ({
          workflowId: event.workflowId!,
          current: event.workflowId === interaction.routingWorkflowId,
          url: url(event.workflowId!),
          firstEventAt: event._min.createdAt?.toISOString() ?? null,
          lastEventAt: event._max.createdAt?.toISOString() ?? null,
        }))
        .sort((a, b) => (b.firstEventAt ?? '').localeCompare(a.firstEventAt ?? ''));
      if (interaction.routingWorkflowId && !items.some((item) => item.current))
        items.unshift({
          workflowId: interaction.routingWorkflowId,
          current: true,
          url: url(interaction.routingWorkflowId),
          firstEventAt: null,
          lastEventAt: null,
        });
      return { items };
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/realtime',
      summary: 'Realtime account view: waiting, offered and in progress per queue and agent, longest wait',
      tags: ['Supervisor'],
      roles: ['admin', 'supervisor'],
      params: idParams,
      status: 200,
    },
    async ({ params, user }) => {
      if (!(await visibleAccountIds(db, user)).includes(params.id)) throw AppError.notFound(`email account ${params.id}`);
      const open = await db.interaction.findMany({
        where: { accountId: params.id, status: 'open' },
        select: { routingState: true, queueId: true, agentId: true, lastMessageAt: true },
      });
      return { accountId: params.id, ...summariseOpenInteractions(open, Date.now()) };
    },
  );

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
      const accountIds = new Set(await visibleAccountIds(db, user));
      response.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      response.flushHeaders();
      response.write(': connected\n\n');
      let sequence = 0;
      const unsubscribe = liveEvents.subscribe((event) => {
        if (!accountIds.has(event.accountId)) return;
        if (event.kind === 'offer' && event.agentId !== user.id && user.role === 'agent') return;
        sequence += 1;
        response.write(`id: ${sequence}\nevent: ${event.kind === 'offer' ? 'offer' : event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
      // 'close' of the response, not once(request): an aborted request also emits 'error', which once() would throw.
      await new Promise<void>((resolve) => response.once('close', () => resolve()));
      clearInterval(keepAlive);
      unsubscribe();
    },
  );
}

function safeFilename(name: string): string {
  return (
    name
      .replace(/[/\\\0\r\n]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 200) || 'attachment'
  );
}

/** An .eml rebuilt from the stored text and HTML parts only (no attachments). */
function textOnlyEml(message: {
  messageIdHeader: string | null;
  inReplyTo: string | null;
  references: string[];
  fromAddress: string | null;
  fromName: string | null;
  toAddresses: unknown;
  ccAddresses: unknown;
  subject: string;
  text: string | null;
  html: string | null;
  receivedAt: Date;
}): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.fromAddress ? { name: message.fromName ?? '', address: message.fromAddress } : undefined,
    to: message.toAddresses as never,
    cc: message.ccAddresses as never,
    subject: message.subject,
    text: message.text ?? '',
    ...(message.html ? { html: message.html } : {}),
    ...(message.messageIdHeader ? { messageId: message.messageIdHeader } : {}),
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
    references: message.references,
    date: message.receivedAt,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return new Promise((resolve, reject) => composer.compile().build((error, buffer) => (error ? reject(error) : resolve(buffer))));
}
