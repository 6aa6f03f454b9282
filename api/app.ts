/** createApp builds the Express application from its dependencies; it never listens (see api/server.ts). */
import path from 'node:path';
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import express, { Router, type Express } from 'express';
import { createAuthenticator } from './auth';
import type { ApiDeps } from './deps';
import { AppError, createRouteDefiner, errorMiddleware } from './http';
import { registerAccountRoutes } from './routes/accounts';
import { registerDeskRoutes } from './routes/desk';
import { registerInteractionRoutes } from './routes/interactions';
import { registerMailboxRoutes } from './routes/mailboxes';
import { registerPeopleRoutes } from './routes/people';
import { registerSettingsRoutes } from './routes/settings';
import { registerTransferRoutes } from './routes/transfers';

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '10mb', strict: true }));

  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const api = Router();
  const context = { route: createRouteDefiner(api, registry, createAuthenticator(deps.db)), deps };
  registerPeopleRoutes(context);
  registerAccountRoutes(context);
  registerInteractionRoutes(context);
  registerDeskRoutes(context);
  registerTransferRoutes(context);
  registerMailboxRoutes(context);
  registerSettingsRoutes(context);
  app.use('/api', api);

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
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });</script></body></html>`);
  });
  app.use('/docs/assets', express.static(swaggerUi, { index: false }));

  app.get('/health', async (_request, response) => {
    const checks = await Promise.allSettled([deps.db.$queryRaw`SELECT 1`, deps.temporal.connection.workflowService.getSystemInfo({})]);
    const [database, temporal] = checks.map((check) => (check.status === 'fulfilled' ? 'ok' : 'unreachable'));
    const healthy = database === 'ok' && temporal === 'ok';
    response.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', database, temporal });
  });

  app.use((request, _response, next) => next(AppError.notFound(`${request.method} ${request.path}`)));
  app.use(errorMiddleware((error) => deps.logger.error({ err: error }, 'unhandled error in request')));
  return app;
}
