/**
 * An email read from a mailbox (or released from quarantine) is stored, then routed: its routing workflow starts
 * once the rows exist, exactly once per stored message. Used by the mailbox watcher and by the quarantine's
 * re-ingest action.
 */
import type { Client } from '@temporalio/client';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Store } from '../store';
import type { MailboxIdentity, Redownload } from '../store/inbound-email';
import { routingWorkflowId } from '../contracts/route-email';
import { storeIncomingEmail, type IngestAccount, type IngestLimits, type StoreOutcome } from './ingest-email';
import { startRoutingWorkflow } from './start-routing';
import { platformMetrics } from '../platform/metrics';

export { EmailParseError, EmailRejectedError, type StoreOutcome } from './ingest-email';

export interface IngestAndRouteDeps {
  store: Pick<Store, 'inboundEmail' | 'quarantine' | 'blobs'>;
  temporal: Client;
  /** Where routing workflows run. */
  taskQueue: string;
  /** Start routing workflows eagerly (see services/start-routing.ts): the worker's own watch does. */
  eager?: boolean;
}

/** One email at one mailbox identity, of the account with this key. */
export interface InboundEmail {
  accountKey: string;
  identity: MailboxIdentity;
  raw: Buffer;
  redownload?: Redownload;
  limits?: IngestLimits;
  /** The account's settings, when the caller has them (the watcher does). */
  account?: IngestAccount;
  /** When the mailbox watch learned of the email. */
  noticedAt?: Date;
}

export interface QuarantinedEmail {
  id: number;
  accountId: number;
  mailbox: string;
  uidValidity: bigint;
  uid: bigint;
  rawSha256: string | null;
}

export function createIngestAndRoute(deps: IngestAndRouteDeps) {
  const { store } = deps;

  const workflowIdOf = (email: Pick<InboundEmail, 'accountKey' | 'identity' | 'redownload'>) =>
    routingWorkflowId({ ...email.identity, accountKey: email.accountKey, redownloadModseq: email.redownload?.modseq ?? null });

  /**
   * Stores the email, naming its routing workflow on the row; throws what parsing and storing throw
   * (EmailParseError, EmailRejectedError, database errors).
   */
  async function storeEmail(email: InboundEmail): Promise<StoreOutcome> {
    const outcome = await storeIncomingEmail(store.inboundEmail, email.identity, email.raw, email.redownload, email.limits, {
      workflowId: workflowIdOf(email),
      ...(email.account ? { account: email.account } : {}),
      ...(email.noticedAt ? { noticedAt: email.noticedAt } : {}),
    });
    if (outcome.kind === 'stored') platformMetrics.emailIngested(email.accountKey);
    return outcome;
  }

  /**
   * Starts the routing workflow of a stored email (a duplicate is not routed). Also for an email stored before: its
   * start may not have happened (a crash in between), and starting the same id again is a no-op.
   */
  async function route(email: Pick<InboundEmail, 'accountKey' | 'identity' | 'redownload'>, outcome: StoreOutcome): Promise<void> {
    if (outcome.kind === 'duplicate') return;
    await startRoutingWorkflow(
      deps,
      {
        ...email.identity,
        accountKey: email.accountKey,
        messageId: outcome.messageId,
        interactionId: outcome.interactionId,
        ...(email.redownload ? { redownloadModseq: email.redownload.modseq } : {}),
      },
      { ...(outcome.kind === 'stored' ? { memo: outcome.memo } : {}), workflowIdStored: outcome.workflowId !== null },
    );
  }

  return {
    store: storeEmail,
    route,

    async ingest(email: InboundEmail): Promise<StoreOutcome> {
      const outcome = await storeEmail(email);
      await route(email, outcome);
      return outcome;
    },

    /** Keeps an email that cannot be ingested, with its raw source and the reason an admin reads. */
    quarantine: (identity: MailboxIdentity, reason: string, raw: Buffer) => store.quarantine.quarantine(identity, reason, raw),

    /** Ingests a quarantined email now, its limits waived, and routes it. */
    async reingestQuarantined(row: QuarantinedEmail): Promise<{ messageId: number | null; interactionId: number | null; outcome: string }> {
      const raw = row.rawSha256 ? await store.blobs.read(row.rawSha256) : null;
      if (!raw) throw new ConflictError(`quarantined email ${row.id} has no raw source to re-ingest`);
      const account = await store.inboundEmail.findAccount(row.accountId);
      if (!account) throw new NotFoundError(`email account ${row.accountId}`);
      const email = {
        accountKey: account.key,
        identity: { accountId: row.accountId, mailbox: row.mailbox, uidValidity: row.uidValidity, uid: row.uid },
        raw,
      };
      let outcome;
      try {
        outcome = await storeEmail(email);
      } catch (error) {
        throw new ConflictError(`quarantined email ${row.id} still cannot be ingested: ${(error as Error).message}`);
      }
      await store.quarantine.markReingested(row.id);
      if (outcome.kind === 'duplicate') return { messageId: null, interactionId: null, outcome: `duplicate: ${outcome.reason}` };
      await route(email, outcome);
      return { messageId: outcome.messageId, interactionId: outcome.interactionId, outcome: outcome.kind };
    },
  };
}

export type IngestAndRoute = ReturnType<typeof createIngestAndRoute>;
