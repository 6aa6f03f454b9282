/**
 * GET /metrics (outside /api): the API process's series in the Prometheus text format, the queue gauges read at
 * scrape time. Open to this machine and to holders of MAILROUTE_METRICS_TOKEN (docs/operations.md).
 */
import type { Express, Request } from 'express';
import { createQueueGauges, METRICS_CONTENT_TYPE, metricsAccessAllowed, platformMetrics } from '../platform/metrics';
import type { MetricsStore } from '../store/metrics';

export function metricsRequestAllowed(request: Request, token: string | undefined): boolean {
  return metricsAccessAllowed({
    remoteAddress: request.socket.remoteAddress,
    authorization: request.get('authorization'),
    forwarded: request.get('x-forwarded-for') !== undefined || request.get('forwarded') !== undefined,
    token,
  });
}

export function mountMetrics(app: Express, deps: { metrics: MetricsStore; token: string | undefined }): void {
  const refreshQueues = createQueueGauges(deps.metrics.queueReadings, platformMetrics);
  app.get('/metrics', async (request, response) => {
    if (!metricsRequestAllowed(request, deps.token)) {
      response
        .status(403)
        .type('text/plain')
        .send('/metrics is open to this machine only, or with the bearer token set in MAILROUTE_METRICS_TOKEN.\n');
      return;
    }
    // A database that does not answer leaves the last queue readings; the other series still count.
    await refreshQueues().catch(() => undefined);
    response
      .set('cache-control', 'no-store')
      .type(METRICS_CONTENT_TYPE)
      .send(platformMetrics.render({ queues: true }));
  });
}
