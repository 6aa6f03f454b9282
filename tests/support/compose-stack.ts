/**
 * The production stack (docker-compose.yml and the Dockerfiles it builds) read as plain data, with readers for
 * the parts tests/unit/docker-compose.test.ts checks. No Docker needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

type Environment = Record<string, string | number | boolean | null> | string[];

export interface DependsOnEntry {
  condition?: string;
}

export interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Environment;
  depends_on?: string[] | Record<string, DependsOnEntry | null>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: Array<string | number | { target?: number | string; published?: number | string }>;
  volumes?: Array<string | { source?: string; target?: string }>;
  restart?: string;
}

export interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

export interface Stack {
  compose: Compose;
  /** Dockerfile text of each service built locally, by service name. */
  dockerfiles: Record<string, string | undefined>;
}

function loadCompose(): Compose {
  // merge: true resolves `<<: *anchor` the way Docker Compose does.
  const parsed: unknown = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true });
  if (typeof parsed !== 'object' || parsed === null || !('services' in parsed)) {
    throw new Error('docker-compose.yml has no services');
  }
  return parsed as Compose;
}

export function buildOf(service: Service): { context: string; dockerfile: string } | undefined {
  if (service.build === undefined) return undefined;
  if (typeof service.build === 'string') return { context: service.build, dockerfile: 'Dockerfile' };
  return { context: service.build.context ?? '.', dockerfile: service.build.dockerfile ?? 'Dockerfile' };
}

export function loadStack(): Stack {
  const compose = loadCompose();
  const dockerfiles: Record<string, string | undefined> = {};
  for (const [name, service] of Object.entries(compose.services)) {
    const build = buildOf(service);
    if (!build) continue;
    const file = path.resolve(ROOT, build.context, build.dockerfile);
    dockerfiles[name] = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }
  return { compose, dockerfiles };
}

export function env(service: Service | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const raw = service?.environment;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const at = entry.indexOf('=');
      if (at === -1) out[entry] = undefined;
      else out[entry.slice(0, at)] = entry.slice(at + 1);
    }
  } else if (raw) {
    for (const [key, value] of Object.entries(raw)) out[key] = value === null ? undefined : String(value);
  }
  return out;
}

/** `${VAR:-default}` → default; `${VAR}` (no default) → undefined. Applied to every reference. */
export function withDefaults(value: string): string | undefined {
  let unresolved = false;
  const resolved = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?[^}]*\}/g, (_m, _name, op, fallback) => {
    if (op === undefined) {
      unresolved = true;
      return '';
    }
    return String(fallback);
  });
  return unresolved ? undefined : resolved;
}

export function dependsOn(service: Service | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const raw = service?.depends_on;
  if (Array.isArray(raw)) for (const name of raw) out[name] = undefined;
  else if (raw) for (const [name, entry] of Object.entries(raw)) out[name] = entry?.condition;
  return out;
}

export function healthcheckText(service: Service | undefined): string {
  const test = service?.healthcheck?.test;
  if (test === undefined) return '';
  return Array.isArray(test) ? test.join(' ') : test;
}

export function commandText(service: Service | undefined): string {
  const part = (value: string | string[] | undefined): string =>
    value === undefined ? '' : Array.isArray(value) ? value.join(' ') : value;
  return `${part(service?.entrypoint)} ${part(service?.command)}`;
}

/** Container ports a service publishes on the host. */
export function publishedContainerPorts(service: Service | undefined): number[] {
  return (service?.ports ?? []).map((port) => {
    if (typeof port === 'number') return port;
    if (typeof port === 'object') return Number(port.target);
    // "[ip:]host:container[/proto]" or "container"; the container port is the last segment.
    const withoutProto = port.split('/')[0] ?? '';
    const segments = withoutProto.split(':');
    return Number(segments[segments.length - 1]);
  });
}

/** Every string anywhere in the value (keys excluded). */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

export function volumeSourceAt(service: Service | undefined, target: string): string | undefined {
  for (const volume of service?.volumes ?? []) {
    if (typeof volume === 'string') {
      const [source, mountPoint] = volume.split(':');
      if (mountPoint === target) return source;
    } else if (volume.target === target) {
      return volume.source;
    }
  }
  return undefined;
}

/** Instructions of the final stage of a Dockerfile (continuation lines joined). */
export function finalStage(dockerfile: string): Array<{ op: string; args: string }> {
  const lines = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\S+)\s*(.*)$/.exec(line);
      return { op: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '' };
    });
  let start = 0;
  lines.forEach((line, index) => {
    if (line.op === 'FROM') start = index;
  });
  return lines.slice(start);
}

export function dockerfileArgDefaults(dockerfile: string): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const match of dockerfile.matchAll(/^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)/gm)) {
    if (match[1] !== undefined && match[2] !== undefined) defaults[match[1]] = match[2];
  }
  return defaults;
}

/** Problem with an image reference's pinning, or undefined when it is pinned. */
export function imagePinProblem(reference: string, requireVersion: boolean): string | undefined {
  if (reference.includes('@sha256:')) return undefined;
  const lastSlash = reference.lastIndexOf('/');
  const nameAndTag = reference.slice(lastSlash + 1);
  const colon = nameAndTag.lastIndexOf(':');
  if (colon === -1) return `${reference} has no tag (it would pull latest)`;
  const tag = nameAndTag.slice(colon + 1);
  if (tag === '' || tag === 'latest') return `${reference} uses the tag "${tag || '(empty)'}"`;
  if (requireVersion && !/\d/.test(tag)) return `${reference} is not pinned to a version`;
  return undefined;
}

export function stageNames(dockerfile: string): string[] {
  return [...dockerfile.matchAll(/^\s*FROM\s+\S+\s+AS\s+(\S+)/gim)].map((match) => (match[1] ?? '').toLowerCase());
}
