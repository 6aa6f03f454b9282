/** createApp builds the Express application from its dependencies; it never listens (see api/server.ts). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import express, { Router, type Express } from 'express';
import { createAuthenticator } from './auth';
import { createDispatcher } from '../services/dispatch';
import { createOfferAnswers } from '../services/offer-answers';
import { createPresence } from '../services/presence';
import { createVisibility } from '../services/visibility';
import { createStore } from '../store';
import type { ApiDeps } from './deps';
import { AppError, createRouteDefiner, errorMiddleware } from './http';
import { securityHeaders } from './security-headers';
import { mountMetrics } from './metrics';
import { createMetricsStore } from '../store/metrics';
import { mountHealth } from './health';
import { registerAccountLogoRoutes } from './routes/account-logo';
import { registerAccountMemberRoutes } from './routes/account-members';
import { registerAccountRoutes } from './routes/accounts';
import { registerActionPlanRoutes } from './routes/action-plans';
import { registerCannedAnswerRoutes } from './routes/canned-answers';
import { registerContactRoutes } from './routes/contacts';
import { registerDispositionRoutes } from './routes/dispositions';
import { registerLoginRoutes } from './routes/login';
import { registerMeRoutes } from './routes/me';
import { registerPauseStatusRoutes } from './routes/pause-statuses';
import { registerQueueRoutes } from './routes/queues';
import { registerTokenRoutes } from './routes/tokens';
import { registerUncertainSendRoutes } from './routes/uncertain-sends';
import { registerUserRoutes } from './routes/users';
import { registerAgentActionRoutes } from './routes/agent-actions';
import { registerExportRoutes } from './routes/exports';
import { registerInteractionRoutes } from './routes/interactions';
import { registerLiveRoutes } from './routes/live';
import { registerNoteRoutes } from './routes/notes';
import { registerOfferRoutes } from './routes/offers';
import { registerRealtimeRoutes } from './routes/realtime';
import { registerSearchRoutes } from './routes/search';
import { registerSuggestionRoutes } from './routes/suggestions';
import { registerWorkflowLinkRoutes } from './routes/workflow-links';
import { registerMailboxRoutes } from './routes/mailboxes';
import { registerQuarantineRoutes } from './routes/quarantine';
import { registerApiIndexRoutes } from './routes/api-index';
import { registerSettingsRoutes } from './routes/settings';
import { registerTransferRoutes } from './routes/transfers';
import { registerUnassignedRoutes } from './routes/unassigned';
import { registerOAuth2Routes } from './routes/oauth2';
import { registerCalendarRoutes } from './routes/calendars';
import { registerDemoRoutes } from './routes/demo';
import { registerSlaPolicyRoutes } from './routes/sla-policies';
import { registerReportRoutes } from './routes/reports';

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders());

  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const api = Router();
  const { db, ...routeDeps } = deps;
  const store = createStore(db);
  const warn = (message: string, detail: Record<string, unknown>) => deps.logger.warn(detail, message);
  const dispatcher = createDispatcher({ dispatch: store.dispatch, temporal: deps.temporal, events: deps.liveEvents, warn });
  const presence = createPresence({ store, temporal: deps.temporal, dispatcher });
  const metrics = createMetricsStore(db);
  const context = {
    route: createRouteDefiner(api, registry, createAuthenticator(store.tokens)),
    deps: routeDeps,
    store,
    visibility: createVisibility(store.visibility),
    presence,
    accessChanged: (userIds: number[] | null) => deps.liveEvents.publish({ kind: 'access', userIds }),
    offerAnswers: createOfferAnswers({
      offerAnswers: store.offerAnswers,
      temporal: deps.temporal,
      events: deps.liveEvents,
      dispatcher,
      // Beside the answer: a failure is logged; the run's own timers and the sweeper make up for what was not done.
      later: (work) => void work().catch((error: Error) => warn('work after an answer failed', { err: error.message })),
      answerSeconds: metrics.answerSeconds,
    }),
  };
  registerApiIndexRoutes(context);
  registerLoginRoutes(context);
  registerUserRoutes(context);
  registerMeRoutes(context);
  registerQueueRoutes(context);
  registerAccountRoutes(context);
  registerAccountMemberRoutes(context);
  registerAccountLogoRoutes(context);
  registerDispositionRoutes(context);
  registerCannedAnswerRoutes(context);
  registerActionPlanRoutes(context);
  registerCalendarRoutes(context);
  registerSlaPolicyRoutes(context);
  registerOfferRoutes(context);
  // Before /interactions/:id, which would read "unassigned" as an id.
  registerUnassignedRoutes(context);
  registerInteractionRoutes(context);
  registerAgentActionRoutes(context);
  registerSearchRoutes(context);
  registerExportRoutes(context);
  registerReportRoutes(context);
  registerNoteRoutes(context);
  registerSuggestionRoutes(context);
  registerWorkflowLinkRoutes(context);
  registerRealtimeRoutes(context);
  registerLiveRoutes(context);
  registerTransferRoutes(context);
  registerMailboxRoutes(context);
  registerQuarantineRoutes(context);
  registerSettingsRoutes(context);
  registerDemoRoutes(context);
  registerPauseStatusRoutes(context);
  registerContactRoutes(context);
  registerTokenRoutes(context);
  registerUncertainSendRoutes(context);
  registerOAuth2Routes(context);
  app.use('/api', api);
  app.use('/api', context.route.methodNotAllowed);

  const openapi = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'mailroute API', version: '0.1.0', description: 'Email routing for customer-care teams.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
  });
  app.get('/openapi.json', (_request, response) => {
    response.json(openapi);
  });
  const swaggerUi = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.get('/docs', (_request, response) => {
    response.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>mailroute API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script></body></html>`);
  });
  // A file, not an inline script: the Content Security Policy runs none (api/security-headers.ts).
  app.get('/docs/start.js', (_request, response) => {
    response.type('text/javascript').send("window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });\n");
  });
  app.use('/docs/assets', express.static(swaggerUi, { index: false }));

  mountHealth(app, { store, temporal: deps.temporal, logger: deps.logger });

  mountMetrics(app, { metrics, token: deps.metricsToken });
  mountWebClient(app);

  app.use((request, _response, next) => next(AppError.notFound(`${request.method} ${request.path}`)));
  app.use(errorMiddleware((error) => deps.logger.error({ err: error }, 'unhandled error in request')));
  return app;
}

/**
 * The web client (web/, built by `npm run build:web` into dist/web) at /app: hashed assets cached for good, the
 * favicon for a day, every other path under /app answered with index.html (the client routes). It talks to /api like anyone.
 */
function mountWebClient(app: Express): void {
  const webRoot = path.resolve(__dirname, '../dist/web');
  const indexHtml = path.join(webRoot, 'index.html');
  app.get('/', (_request, response) => response.redirect('/app/'));
  app.use('/app/assets', express.static(path.join(webRoot, 'assets'), { index: false, immutable: true, maxAge: '1y' }));
  app.use('/app/assets', (request, _response, next) => next(AppError.notFound(`GET /app/assets${request.path}`)));
  app.get('/app/favicon.svg', (_request, response) =>
    response.set('cache-control', 'public, max-age=86400').sendFile(path.join(webRoot, 'favicon.svg')),
  );
  app.get(['/app', '/app/{*rest}'], (_request, response) => {
    if (!existsSync(indexHtml)) {
      response.status(503).type('text/plain').send('The web client is not built: run `npm run build:web`.\n');
      return;
    }
    response.set('cache-control', 'no-cache').sendFile(indexHtml);
  });
}
