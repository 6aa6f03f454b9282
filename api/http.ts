/**
 * The edge of the API: one definition per route gives Express its handler, zod its validation
 * and the OpenAPI document its entry. Every failure leaves as application/problem+json.
 */
import { extendZodWithOpenApi, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Actor, Role } from '../domain/people';
import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  TooManyRequestsError,
} from '../domain/errors';
import { domainErrorOf } from '../store/errors';
import { fieldProblemSchema, zodProblems } from './problem-details';
import {
  allowedMethods,
  byteSize,
  PROBLEM_DESCRIPTIONS,
  pathPattern,
  problemStatuses,
  type DeclaredRoute,
  type ProblemStatus,
} from './route-declaration';

extendZodWithOpenApi(z);

export { z };
export type { ProblemStatus };

export type { FieldProblem };
export { zodProblems };

/** The one error type handlers throw; the error middleware turns it into problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly problems: FieldProblem[] = [],
    /** Response headers the answer carries (Retry-After, Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  static badRequest(message: string, problems: FieldProblem[] = []) {
    return new AppError(400, 'Bad Request', message, problems);
  }
  static unauthorized(message = 'a valid bearer token is required') {
    return new AppError(401, 'Unauthorized', message);
  }
  static forbidden(message = 'your role may not do this') {
    return new AppError(403, 'Forbidden', message);
  }
  static notFound(what: string) {
    return new AppError(404, 'Not Found', `${what} not found`);
  }
  static conflict(message: string) {
    return new AppError(409, 'Conflict', message);
  }
  static preconditionFailed(message: string) {
    return new AppError(412, 'Precondition Failed', message);
  }
}

export type AuthenticatedUser = Actor;

export interface RouteContext<Body, Params, Query> {
  body: Body;
  params: Params;
  query: Query;
  user: AuthenticatedUser;
  request: Request;
  response: Response;
}

type Schema = z.ZodType;
type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteDefinition<B extends Schema | undefined, P extends Schema | undefined, Q extends Schema | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, e.g. `/accounts/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** Roles allowed; `public` routes need no token. */
  roles: Role[] | 'public';
  body?: B;
  params?: P;
  query?: Q;
  /** The JSON answer of a success (none: a 204, or `produces`). */
  response?: Schema;
  /** The media type of a success that is not JSON: a download, an event stream. */
  produces?: string;
  status?: number;
  /** Largest JSON body accepted (default 1 MB; bodies are read only once the caller is authenticated). */
  bodyLimit?: string;
  /**
   * Failures the route answers besides those its declaration implies (400 with inputs, 413 with a body, 401 and 403
   * unless public, 404 with an id in the path): 409 for a clash with the current state, 404 for an id in the body or
   * query, 429, 401 on a public route.
   */
  errors?: ProblemStatus[];
  /** Takes `If-Match` (the ETag it answered): documented as a header, with 412 when it is not the current version. */
  ifMatch?: boolean;
  /** A second success the handler may answer (it sets the status itself), e.g. 202 while work goes on elsewhere. */
  otherSuccess?: { status: number; description: string; schema: Schema };
}

const DEFAULT_BODY_LIMIT = '1mb';

const ifMatchHeader = z.object({
  'if-match': z
    .string()
    .max(1000)
    .optional()
    .openapi({ description: 'the ETag you read: the change is made only if the resource is still that version, else 412' }),
});
/** JSON nested deeper than this is refused before anything walks it. */
const MAX_BODY_DEPTH = 64;

/** Reads the JSON body with the route's limit: called after authentication, so an anonymous caller sends nothing we read. */
function readJsonBody(req: Request, res: Response, limit: string): Promise<void> {
  const parser = express.json({ limit, strict: true });
  return new Promise((resolve, reject) => parser(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(fieldProblemSchema).optional(),
  })
  .openapi('Problem');

function parseWith<S extends Schema | undefined>(schema: S, value: unknown, where: string): Output<S> {
  if (!schema) return undefined as Output<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error, schema).map((problem) => ({
      ...problem,
      field: where === 'body' ? problem.field : `${where}.${problem.field}`,
    }));
    throw AppError.badRequest(`invalid ${where}: ${problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ')}`, problems);
  }
  return parsed.data as Output<S>;
}

/** Registers one route on the Express router and in the OpenAPI registry. */
export function defineRoute<
  B extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
>(
  router: Router,
  registry: OpenAPIRegistry,
  authenticate: (request: Request) => Promise<AuthenticatedUser>,
  definition: RouteDefinition<B, P, Q>,
  handler: (context: RouteContext<Output<B>, Output<P>, Output<Q>>) => Promise<unknown>,
  routes: DeclaredRoute[] = [],
): void {
  const status = definition.status ?? (definition.method === 'post' ? 201 : 200);
  if (status !== 204 && !definition.response && !definition.produces)
    throw new Error(`${definition.method.toUpperCase()} ${definition.path}: a ${status} answer needs its response schema (or produces)`);
  const openapiPath = `/api${definition.path.replace(/:(\w+)/g, '{$1}')}`;
  const request: RouteConfig['request'] = {
    ...(definition.params ? { params: definition.params as never } : {}),
    ...(definition.query ? { query: definition.query as never } : {}),
    ...(definition.ifMatch ? { headers: ifMatchHeader } : {}),
    ...(definition.body ? { body: { content: { 'application/json': { schema: definition.body } }, required: true } } : {}),
  };
  const problem = (code: ProblemStatus) => ({
    description: code === 401 && definition.roles === 'public' ? 'Wrong credentials' : PROBLEM_DESCRIPTIONS[code],
    ...(code === 429 || code === 503
      ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' as const } } } }
      : {}),
    content: { 'application/problem+json': { schema: problemSchema } },
  });
  const success = definition.response
    ? { description: 'Success', content: { 'application/json': { schema: definition.response } } }
    : definition.produces
      ? { description: 'Success', content: { [definition.produces]: { schema: { type: 'string' as const, format: 'binary' } } } }
      : { description: 'Success, no content' };
  registry.registerPath({
    method: definition.method,
    path: openapiPath,
    summary: definition.summary,
    tags: definition.tags,
    ...(definition.body ? { 'x-body-limit-bytes': byteSize(definition.bodyLimit ?? DEFAULT_BODY_LIMIT) } : {}),
    ...(definition.roles === 'public' ? { security: [] } : { description: `Roles: ${definition.roles.join(', ')}.` }),
    request,
    responses: {
      [status]: success,
      ...(definition.otherSuccess
        ? {
            [definition.otherSuccess.status]: {
              description: definition.otherSuccess.description,
              content: { 'application/json': { schema: definition.otherSuccess.schema } },
            },
          }
        : {}),
      ...Object.fromEntries(problemStatuses(definition).map((code) => [code, problem(code)])),
    },
  });
  const pattern = pathPattern(definition.path);
  routes.push({ method: definition.method, pattern });

  router[definition.method](definition.path, async (req: Request, res: Response, next: NextFunction) => {
    // A more literal route answers this path (`/interactions/search`, not `/interactions/:id`): let it, or 405.
    if (!allowedMethods(routes, req.path, pattern.literals)) return next();
    const user =
      definition.roles === 'public' ? ({ id: 0, role: 'agent', name: 'anonymous' } as AuthenticatedUser) : await authenticate(req);
    if (definition.roles !== 'public' && !definition.roles.includes(user.role)) {
      throw AppError.forbidden(`role ${user.role} may not ${definition.method.toUpperCase()} ${definition.path}`);
    }
    if (definition.body) await readJsonBody(req, res, definition.bodyLimit ?? DEFAULT_BODY_LIMIT);
    if (definition.params) rejectNulCharacters(req.params, 'params');
    if (definition.query) rejectNulCharacters(req.query, 'query');
    if (definition.body) rejectNulCharacters(req.body, '');
    const context = {
      params: parseWith(definition.params, req.params, 'params'),
      query: parseWith(definition.query, req.query, 'query'),
      body: parseWith(definition.body, req.body ?? {}, 'body'),
      user,
      request: req,
      response: res,
    } as RouteContext<Output<B>, Output<P>, Output<Q>>;
    const result = await handler(context);
    if (res.headersSent) return;
    if (result === undefined) res.status(status === 201 ? 204 : status === 200 ? 204 : status).end();
    else res.status(status).json(result);
  });
}

/** Maps every error to application/problem+json; unknown errors are logged and become a 500 without details. */
export function errorMiddleware(log: (error: unknown) => void) {
  return (error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    let appError: AppError;
    const domainError = fromDomainError(domainErrorOf(error) ?? error);
    if (error instanceof AppError) appError = error;
    else if (domainError) appError = domainError;
    else if (isBodyParserError(error))
      appError =
        'type' in error
          ? new AppError(error.status, error.status === 413 ? 'Payload Too Large' : 'Bad Request', `request body: ${error.message}`, [
              { field: '(body)', reason: error.message },
            ])
          : AppError.badRequest(`request path: ${error.message}`, [{ field: '(path)', reason: error.message }]);
    else {
      log(error);
      appError = new AppError(500, 'Internal Server Error', 'unexpected error; it has been logged');
    }
    if (Object.keys(appError.headers).length > 0) response.set(appError.headers);
    response
      .status(appError.status)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: appError.title,
        status: appError.status,
        detail: appError.message,
        ...(appError.problems.length > 0 ? { errors: appError.problems } : {}),
      });
  };
}

/** Client errors raised by Express itself: the body parser (too large, bad JSON) and the router (undecodable path). */
function isBodyParserError(error: unknown): error is Error & { status: number } {
  if (typeof error !== 'object' || error === null || !('status' in error)) return false;
  const status = (error as { status: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

const idParam = z.coerce.number().int().positive().max(2147483647);
export const idParams = z.object({ id: idParam }).strict();
/** Params of a child resource under its parent, e.g. `/accounts/:id/dispositions/:childId`. */
export const childParams = z.object({ id: idParam, childId: idParam }).strict();

export type RouteDefiner = RouteDefinerFunction & {
  /** After the router: a method no route serves on a path some route serves is a 405 with Allow. */
  methodNotAllowed: (request: Request, response: Response, next: NextFunction) => void;
};

type RouteDefinerFunction = <
  B extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
>(
  definition: RouteDefinition<B, P, Q>,
  handler: (context: RouteContext<Output<B>, Output<P>, Output<Q>>) => Promise<unknown>,
) => void;

/**
 * Routes are matched most literal first (`/interactions/search` before `/interactions/:id`), and `methodNotAllowed`
 * answers 405 (with Allow) to a method none of them serves on a path one of them serves.
 */
export function createRouteDefiner(
  router: Router,
  registry: OpenAPIRegistry,
  authenticate: (request: Request) => Promise<AuthenticatedUser>,
): RouteDefiner {
  const routes: DeclaredRoute[] = [];
  // Before every route: Express's own OPTIONS answer would list `/interactions/:id`'s methods for `/interactions/search`.
  router.use(answerOptions(routes));
  const define: RouteDefinerFunction = (definition, handler) => defineRoute(router, registry, authenticate, definition, handler, routes);
  return Object.assign(define, { methodNotAllowed: methodNotAllowed(routes) });
}

/** OPTIONS on a path some route serves: 204 with Allow. */
function answerOptions(routes: DeclaredRoute[]) {
  return (request: Request, response: Response, next: NextFunction) => {
    const allowed = request.method === 'OPTIONS' ? allowedMethods(routes, request.path) : undefined;
    if (!allowed) return next();
    response
      .set('allow', [...allowed, 'OPTIONS'].join(', '))
      .status(204)
      .end();
  };
}

function methodNotAllowed(routes: DeclaredRoute[]) {
  return (request: Request, response: Response, next: NextFunction) => {
    const allowed = allowedMethods(routes, request.path);
    if (!allowed || allowed.includes(request.method)) return next();
    const allow = [...allowed, 'OPTIONS'].join(', ');
    next(
      new AppError(405, 'Method Not Allowed', `${request.method} is not served on ${request.baseUrl}${request.path}`, [], {
        allow,
      }),
    );
  };
}

/**
 * PostgreSQL text cannot hold U+0000; refuse it at the edge (naming the field) instead of failing in the database.
 */
function rejectNulCharacters(root: unknown, rootPath: string): void {
  // Walked with a stack of its own: JSON nested thousands deep must be a 400, not a stack overflow.
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        const field = path || '(body)';
        throw AppError.badRequest(`${field}: must not contain NUL characters`, [{ field, reason: 'must not contain NUL characters' }]);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) {
      const field = path || '(body)';
      throw AppError.badRequest(`${field}: nested more than ${MAX_BODY_DEPTH} levels deep`, [{ field, reason: 'nested too deeply' }]);
    }
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\u0000'))
        throw AppError.badRequest('field names must not contain NUL characters', [
          { field: path || '(body)', reason: 'NUL in a field name' },
        ]);
      stack.push({ value: inner, path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
}

/** The domain's failures as HTTP problems; anything else is not the caller's doing. */
function fromDomainError(error: unknown): AppError | undefined {
  const problems = (error as { problems?: FieldProblem[] }).problems ?? [];
  if (error instanceof NotFoundError) return new AppError(404, 'Not Found', error.message);
  if (error instanceof InvalidInputError) return AppError.badRequest(error.message, error.problems);
  if (error instanceof ConflictError) return new AppError(409, 'Conflict', error.message, problems);
  if (error instanceof PreconditionFailedError) return AppError.preconditionFailed(error.message);
  if (error instanceof ForbiddenError) return AppError.forbidden(error.message);
  if (error instanceof TooManyRequestsError)
    return new AppError(429, 'Too Many Requests', error.message, [], { 'retry-after': String(error.retryAfterSeconds) });
  return undefined;
}

export { dbId } from '../domain/fields';
export { checkIfMatch, contentTag, etagOf } from './etag';
