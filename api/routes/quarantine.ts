/** Emails the watcher quarantined (too large, unreadable): the list, one, its raw source, and re-ingesting it. */
import { reingestOnWorker } from '../../services/reingest-email';
import type { RouterContext } from '../deps';
import { AppError, idParams, z, type AuthenticatedUser } from '../http';
import { listQuery, listResponse, page } from '../listing';
import { mailboxTags as tags } from './mailboxes';

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

const reingestAnswerSchema = z
  .object({ messageId: z.number().int().nullable(), interactionId: z.number().int().nullable(), outcome: z.string() })
  .openapi('ReingestOutcome');
const reingestQuery = z
  .object({
    wait: z.coerce.number().int().min(0).max(60).default(20).meta({ description: 'seconds to wait for the outcome before answering 202' }),
  })
  .strict();
const reingestRunningSchema = z.object({ state: z.literal('running'), workflowId: z.string() }).openapi('ReingestRunning');

export function registerQuarantineRoutes({ route, deps, store, visibility }: RouterContext): void {
  const { temporal, watchers } = deps;

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
      const account = await visibility.requireAccount(params.id, user);
      const listed = await page(query, (window) => store.quarantine.list(account.id, window));
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
      produces: 'message/rfc822',
    },
    async ({ params, response, user }) => {
      const row = await requireQuarantined(params.id, user);
      const raw = row.rawSha256 ? await store.blobs.read(row.rawSha256) : null;
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
      summary:
        'Ingest a quarantined email again (limits waived) on a worker: it becomes an interaction message and is routed. ' +
        'Answers 200 with the outcome, or 202 while the worker is still at it (the email shows reingestedAt when done).',
      tags,
      roles: ['admin'],
      params: idParams,
      query: reingestQuery,
      status: 200,
      errors: [409],
      response: reingestAnswerSchema,
      otherSuccess: { status: 202, description: 'Still running on a worker', schema: reingestRunningSchema },
    },
    async ({ params, query, user, response }) => {
      const row = await requireQuarantined(params.id, user);
      const account = await store.accounts.find(row.accountId);
      const answer = await reingestOnWorker(temporal, {
        taskQueue: watchers.taskQueue,
        quarantineId: row.id,
        accountKey: account?.key ?? '',
        waitMs: query.wait * 1000,
      });
      if (answer.state === 'running') {
        response.status(202).json({ state: answer.state, workflowId: answer.workflowId });
        return undefined;
      }
      const { state: _state, ...result } = answer;
      return result;
    },
  );

  /** A quarantined email of an account the user may see; 404 otherwise (like any email of an account they may not see). */
  async function requireQuarantined(id: number, user: AuthenticatedUser) {
    const row = await store.quarantine.find(id);
    if (!row || !(await visibility.accountIds(user)).includes(row.accountId)) throw AppError.notFound(`quarantined email ${id}`);
    return row;
  }

  async function quarantinedResponse(row: NonNullable<Awaited<ReturnType<typeof store.quarantine.find>>>) {
    return {
      id: row.id,
      accountId: row.accountId,
      mailbox: row.mailbox,
      uidValidity: String(row.uidValidity),
      uid: String(row.uid),
      reason: row.reason,
      rawSha256: row.rawSha256,
      sizeBytes: await store.quarantine.rawSize(row),
      createdAt: row.createdAt.toISOString(),
      reingestedAt: row.reingestedAt?.toISOString() ?? null,
    };
  }
}
