/** Mailbox watcher state, mailbox events, quarantine and re-ingest (issue 4). */
import { readBlob } from '../../store/blobs';
import { createIngestAndRoute } from '../../services/ingest-and-route';
import { pendingUidCount } from '../../domain/sync-decisions';
import type { RouterContext } from '../deps';
import { AppError, idParams, z, type AuthenticatedUser } from '../http';
import { requireVisibleAccount, visibleAccounts } from '../services/accounts';
import { listQuery, listResponse, page } from '../services/listing';

const mailboxStateSchema = z
  .object({
    accountId: z.number().int(),
    mailbox: z.string(),
    active: z.boolean(),
    connected: z.boolean(),
    lastError: z.string().nullable(),
    uidValidity: z.string().nullable(),
    lastSeenUid: z.string(),
    highestModseq: z.string().nullable(),
    uidNext: z.string().nullable(),
    lag: z.object({
      pendingEmails: z.number().int(),
      secondsSinceLastContact: z.number().nullable(),
    }),
    lastSeenAt: z.string().nullable(),
  })
  .openapi('MailboxState');

const mailboxEventSchema = z
  .object({ id: z.number().int(), mailbox: z.string(), type: z.string(), detail: z.unknown(), createdAt: z.string() })
  .openapi('MailboxEvent');

const quarantinedSchema = z
  .object({
    id: z.number().int(),
    accountId: z.number().int(),
    mailbox: z.string(),
    uidValidity: z.string(),
    uid: z.string(),
    reason: z.string(),
    rawSha256: z.string().nullable(),
    sizeBytes: z.number().int().nullable(),
    createdAt: z.string(),
    reingestedAt: z.string().nullable(),
  })
  .openapi('QuarantinedEmail');

export function registerMailboxRoutes({ route, deps, store }: RouterContext): void {
  const { db, temporal, watchers } = deps;
  const tags = ['Mailboxes'];

  route(
    {
      method: 'get',
      path: '/accounts/:id/mailbox-state',
      summary: "The account's mailbox watcher: connected, last error, last seen UID, lag",
      tags,
      roles: ['admin', 'supervisor'],
      params: idParams,
      response: mailboxStateSchema,
    },
    async ({ params, user }) => {
      const account = await requireVisibleAccount(db, params.id, user);
      const state = await db.mailboxState.findUnique({ where: { accountId_mailbox: { accountId: account.id, mailbox: account.mailbox } } });
      const lastUid = state?.lastUid ?? 0n;
      return {
        accountId: account.id,
        mailbox: account.mailbox,
        active: account.active,
        connected: state?.connected ?? false,
        lastError: state?.lastError ?? null,
        uidValidity: state?.uidValidity != null ? String(state.uidValidity) : null,
        lastSeenUid: String(lastUid),
        highestModseq: state?.highestModseq != null ? String(state.highestModseq) : null,
        uidNext: state?.uidNext != null ? String(state.uidNext) : null,
        lag: {
          pendingEmails: pendingUidCount(state?.uidNext ?? null, lastUid),
          secondsSinceLastContact: state?.lastSeenAt ? Math.max(0, Math.round((Date.now() - state.lastSeenAt.getTime()) / 1000)) : null,
        },
        lastSeenAt: state?.lastSeenAt?.toISOString() ?? null,
      };
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/mailbox-events',
      summary: "Visible events of the account's mailbox: resets (UIDVALIDITY, MODSEQ), missing emails",
      tags,
      roles: ['admin', 'supervisor'],
      params: idParams,
      query: listQuery(['id', 'createdAt'] as const),
      response: listResponse(mailboxEventSchema),
    },
    async ({ params, query, user }) => {
      const account = await requireVisibleAccount(db, params.id, user);
      return page(
        query,
        (args) => db.mailboxEvent.findMany({ where: { accountId: account.id }, ...args }),
        ({ accountId: _, ...event }) => ({ ...event, createdAt: event.createdAt.toISOString() }),
      );
    },
  );

  route(
    {
      method: 'get',
      path: '/accounts/:id/quarantine',
      summary: "The account's quarantined emails, with the reason",
      tags,
      roles: ['admin', 'supervisor'],
      params: idParams,
      query: listQuery(['id', 'createdAt'] as const),
      response: listResponse(quarantinedSchema),
    },
    async ({ params, query, user }) => {
      const account = await requireVisibleAccount(db, params.id, user);
      const listed = await page(query, (args) => db.quarantinedEmail.findMany({ where: { accountId: account.id }, ...args }));
      return { items: await Promise.all(listed.items.map(quarantinedResponse)), nextCursor: listed.nextCursor };
    },
  );

  route(
    {
      method: 'get',
      path: '/quarantine/:id',
      summary: 'One quarantined email',
      tags,
      roles: ['admin', 'supervisor'],
      params: idParams,
      response: quarantinedSchema,
    },
    async ({ params, user }) => quarantinedResponse(await requireQuarantined(params.id, user)),
  );

  route(
    {
      method: 'get',
      path: '/quarantine/:id/raw',
      summary: 'The raw RFC 822 source of a quarantined email (message/rfc822)',
      tags,
      roles: ['admin', 'supervisor'],
      params: idParams,
    },
    async ({ params, response, user }) => {
      const row = await requireQuarantined(params.id, user);
      const raw = row.rawSha256 ? await readBlob(db, row.rawSha256) : null;
      if (!raw) throw AppError.notFound(`raw source of quarantined email ${row.id}`);
      response
        .status(200)
        .type('message/rfc822')
        .setHeader('content-disposition', `attachment; filename="quarantined-${row.id}.eml"`)
        .send(raw);
      return undefined;
    },
  );

  route(
    {
      method: 'post',
      path: '/quarantine/:id/reingest',
      summary: 'Ingest a quarantined email now (limits waived): it becomes an interaction message and is routed',
      tags,
      roles: ['admin'],
      params: idParams,
      status: 200,
      response: z.object({ messageId: z.number().int().nullable(), interactionId: z.number().int().nullable(), outcome: z.string() }),
    },
    async ({ params, user }) =>
      createIngestAndRoute({ store, temporal, taskQueue: watchers.taskQueue }).reingestQuarantined(
        await requireQuarantined(params.id, user),
      ),
  );

  /** A quarantined email of an account the user may see; 404 otherwise. */
  async function requireQuarantined(id: number, user: AuthenticatedUser) {
    const row = await db.quarantinedEmail.findUnique({ where: { id } });
    const visible = row && (await db.emailAccount.count({ where: { id: row.accountId, ...visibleAccounts(user) } })) > 0;
    if (!row || !visible) throw AppError.notFound(`quarantined email ${id}`);
    return row;
  }

  async function quarantinedResponse(row: Awaited<ReturnType<typeof requireQuarantined>>) {
    const blob = row.rawSha256 ? await db.blob.findUnique({ where: { sha256: row.rawSha256 }, select: { size: true } }) : null;
    return {
      id: row.id,
      accountId: row.accountId,
      mailbox: row.mailbox,
      uidValidity: String(row.uidValidity),
      uid: String(row.uid),
      reason: row.reason,
      rawSha256: row.rawSha256,
      sizeBytes: blob?.size ?? null,
      createdAt: row.createdAt.toISOString(),
      reingestedAt: row.reingestedAt?.toISOString() ?? null,
    };
  }
}
