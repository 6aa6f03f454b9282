/** Quarantined emails ingested again, on the worker: the email is parsed, stored and its routing started here. */
import { ApplicationFailure } from '@temporalio/common';
import type { ReingestInput, ReingestResult } from '../contracts/reingest-email';
import { ConflictError, NotFoundError, RoutingErrorType } from '../domain/errors';
import type { IngestAndRoute } from '../services/ingest-and-route';
import type { Store } from '../store';
import { found, notFound } from './failures';

export interface QuarantineActivityDeps {
  store: Pick<Store, 'quarantine'>;
  ingest: Pick<IngestAndRoute, 'reingestQuarantined'>;
}

export function createQuarantineActivities({ store, ingest }: QuarantineActivityDeps) {
  return {
    async reingestQuarantinedEmail({ quarantineId }: ReingestInput): Promise<ReingestResult> {
      const row = found(await store.quarantine.find(quarantineId), `quarantined email ${quarantineId}`);
      try {
        return await ingest.reingestQuarantined(row);
      } catch (error) {
        if (error instanceof NotFoundError) throw notFound(error.what);
        if (error instanceof ConflictError)
          throw ApplicationFailure.create({ message: error.message, type: RoutingErrorType.Conflict, nonRetryable: true });
        throw error;
      }
    },
  };
}
