/**
 * GET /health: readiness with its reasons. 200 `{ status: 'ready', checks }` when the database and Temporal answer,
 * 503 `{ status: 'unready', checks }` naming each that does not; watchers only warn (services/readiness.ts says why).
 * Outside /api and unauthenticated: probes (compose, a load balancer, `npm start`) call it.
 */
import type { Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from '../platform/logger';
import type { Store } from '../store';
import { checkReadiness, databaseCheck, temporalCheck, watchersCheck } from '../services/readiness';

export function mountHealth(app: Express, deps: { store: Store; temporal: Client; logger: Logger }): void {
  const checks = { database: databaseCheck(deps.store), temporal: temporalCheck(deps.temporal), watchers: watchersCheck(deps.store) };
  let last: string | undefined;
  app.get('/health', async (_request, response) => {
    const readiness = await checkReadiness(checks);
    // Probes ask every few seconds: the log says when the answer changes, not each time.
    if (last !== undefined && last !== readiness.status) {
      const reasons = Object.values(readiness.checks).flatMap((check) => (check.status === 'fail' && check.reason ? [check.reason] : []));
      if (readiness.status === 'ready') deps.logger.info('ready again');
      else deps.logger.warn({ reasons }, 'not ready');
    }
    last = readiness.status;
    response
      .status(readiness.status === 'ready' ? 200 : 503)
      .set('cache-control', 'no-store')
      .json(readiness);
  });
}
