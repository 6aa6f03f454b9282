/** An account's mailbox watcher as supervisors see it: its state (connected, last error, lag) and its visible events. */
import { pendingUidCount } from '../../domain/sync-decisions';
import type { RouterContext } from '../deps';
import { idParams, z } from '../http';
import { listQuery, listResponse, page } from '../listing';

const mailboxStateSchema = z
  .object({
    accountId: z.number().int(),
    mailbox: z.string(),
    active: z.boolean(),
    connected: z.boolean(),
    /** How the connected watcher learns of new mail: the server pushes it (IDLE) or the watcher polls; null while disconnected. */
    watching: z.enum(['idle', 'polling']).nullable(),
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

export const mailboxTags = ['Mailboxes'];

export function registerMailboxRoutes({ route, store, visibility }: RouterContext): void {
  route(
    {
      method: 'get',
      path: '/accounts/:id/mailbox-state',
      summary: "The account's mailbox watcher: connected (on IDLE or polling), last error, last seen UID, lag",
      tags: mailboxTags,
      roles: ['admin', 'supervisor'],
      params: idParams,
      response: mailboxStateSchema,
    },
    async ({ params, user }) => {
      const account = await visibility.requireAccount(params.id, user);
      const state = await store.mailboxes.state({ accountId: account.id, mailbox: account.mailbox });
      const lastUid = state?.lastUid ?? 0n;
      return {
        accountId: account.id,
        mailbox: account.mailbox,
        active: account.active,
        connected: state?.connected ?? false,
        watching: state?.connected && (state.watchMode === 'idle' || state.watchMode === 'polling') ? state.watchMode : null,
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
      tags: mailboxTags,
      roles: ['admin', 'supervisor'],
      params: idParams,
      query: listQuery(['id', 'createdAt'] as const),
      response: listResponse(mailboxEventSchema),
    },
    async ({ params, query, user }) => {
      const account = await visibility.requireAccount(params.id, user);
      return page(
        query,
        (window) => store.mailboxes.events(account.id, window),
        ({ accountId: _, ...event }) => ({ ...event, createdAt: event.createdAt.toISOString() }),
      );
    },
  );
}
