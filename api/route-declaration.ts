/**
 * What a route's declaration implies beyond its handler: the failures the document lists for it, its body limit in
 * bytes, and the paths it serves (matched most literal first, and the methods a 405's Allow names).
 */
import type { Role } from '../domain/people';

/** The failures a route may answer, each documented as application/problem+json. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 429 | 503;

export const PROBLEM_DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: 'Invalid input: every problem names the field and the reason',
  401: 'Missing or invalid token',
  403: 'Role not allowed',
  404: 'Not found, or not visible to you',
  405: 'Method not allowed on this path (Allow lists those that are)',
  409: 'Conflicts with the current state',
  412: 'If-Match does not name the current version',
  413: 'Body larger than this route accepts',
  429: 'Too many attempts: retry after Retry-After seconds',
  503: 'The routing of this interaction is recovering on a worker: nothing was done, retry after Retry-After seconds',
};

/** Every failure status the route's declaration allows, in order. */
export function problemStatuses(definition: {
  roles: Role[] | 'public';
  body?: unknown;
  params?: unknown;
  query?: unknown;
  errors?: ProblemStatus[];
  ifMatch?: boolean;
}): ProblemStatus[] {
  const statuses = new Set<ProblemStatus>(definition.errors ?? []);
  if (definition.body || definition.params || definition.query) statuses.add(400);
  if (definition.body) statuses.add(413);
  if (definition.roles !== 'public') {
    statuses.add(401);
    statuses.add(403);
  }
  if (definition.params) statuses.add(404);
  if (definition.ifMatch) statuses.add(412);
  return [...statuses].sort((a, b) => a - b);
}

/** `1mb` and `512kb` as the body parser reads them, in bytes (the document shows each route's limit). */
export function byteSize(limit: string): number {
  const match = /^(\d+)(kb|mb)$/.exec(limit);
  if (!match) throw new Error(`body limit ${limit}: write it as <n>kb or <n>mb`);
  return Number(match[1]) * (match[2] === 'kb' ? 1024 : 1024 * 1024);
}

/** A declared route's method and path, as the 405 answer matches it. */
export interface DeclaredRoute {
  method: string;
  pattern: PathPattern;
}

export interface PathPattern {
  regex: RegExp;
  /** Segments without a parameter: `/interactions/search` (2) wins over `/interactions/:id` (1). */
  literals: number;
}

/** An Express path with `:name` segments, matched as Express matches it (case-insensitive, optional trailing slash). */
export function pathPattern(path: string): PathPattern {
  const segments = path.split('/').filter(Boolean);
  const source = segments.map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')));
  return {
    regex: new RegExp(`^/${source.join('/')}/?$`, 'i'),
    literals: segments.filter((segment) => !segment.startsWith(':')).length,
  };
}

/**
 * The methods served on `path`: those of its most literal matching routes, so `/interactions/search` is answered by
 * its own routes, never by `/interactions/:id`'s. Undefined when no route serves the path (a 404), or when a route
 * with more literal segments than `atMost` does.
 */
export function allowedMethods(routes: DeclaredRoute[], path: string, atMost = Infinity): string[] | undefined {
  const matching = routes.filter((route) => route.pattern.regex.test(path));
  if (matching.length === 0) return undefined;
  const best = Math.max(...matching.map((route) => route.pattern.literals));
  if (best > atMost) return undefined;
  const methods = new Set(matching.filter((route) => route.pattern.literals === best).map((route) => route.method.toUpperCase()));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
