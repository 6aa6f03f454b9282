/**
 * Structure of the production stack (docker-compose.yml + Dockerfile), checked without Docker.
 *
 * Every property is a pure check that returns the problems it finds. Each is run twice: on the
 * real files (must find nothing) and on copies deliberately broken in the way the property forbids
 * (must find something), so no check can pass vacuously.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { mailrouteSearchAttributes } from '../../contracts/search-attributes';

const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

/**
 * The custom search attributes the workflows upsert (name → SDK type, e.g. KEYWORD), from the
 * typed keys in contracts/search-attributes.ts: the compose one-shot must register exactly these.
 */
const EXPECTED_SEARCH_ATTRIBUTES: Readonly<Record<string, string>> = Object.fromEntries(
  mailrouteSearchAttributes.map((key) => [key.name, key.type]),
);

/** CLI spelling (`Keyword`, `KeywordList`) against SDK spelling (`KEYWORD`, `KEYWORD_LIST`). */
function sameAttributeType(cliType: string, sdkType: string): boolean {
  const normalize = (type: string): string => type.replace(/_/g, '').toUpperCase();
  return normalize(cliType) === normalize(sdkType);
}

const LONG_RUNNING = ['postgres', 'temporal-postgres', 'temporal', 'temporal-ui', 'api', 'worker'] as const;
const ONE_SHOT = 'temporal-search-attributes';
const APP_SERVICES = ['api', 'worker'] as const;
const DATABASES = ['postgres', 'temporal-postgres'] as const;
const REQUIRED_SECRETS = ['MAILROUTE_SECRET_KEY', 'MAILROUTE_DB_PASSWORD', 'TEMPORAL_DB_PASSWORD'] as const;
/** Services allowed to publish ports, and the container port each must publish. */
const PUBLISHED: Readonly<Record<string, number>> = { api: 3000, 'temporal-ui': 8080 };
const TEMPORAL_FRONTEND = 'temporal:7233';

// ---------------------------------------------------------------------------------------------
// Model of the parts of the compose file under test

type Environment = Record<string, string | number | boolean | null> | string[];

interface DependsOnEntry {
  condition?: string;
}

interface Service {
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

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

interface Stack {
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

function buildOf(service: Service): { context: string; dockerfile: string } | undefined {
  if (service.build === undefined) return undefined;
  if (typeof service.build === 'string') return { context: service.build, dockerfile: 'Dockerfile' };
  return { context: service.build.context ?? '.', dockerfile: service.build.dockerfile ?? 'Dockerfile' };
}

function loadStack(): Stack {
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

// ---------------------------------------------------------------------------------------------
// Helpers

function env(service: Service | undefined): Record<string, string | undefined> {
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
function withDefaults(value: string): string | undefined {
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

function dependsOn(service: Service | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const raw = service?.depends_on;
  if (Array.isArray(raw)) for (const name of raw) out[name] = undefined;
  else if (raw) for (const [name, entry] of Object.entries(raw)) out[name] = entry?.condition;
  return out;
}

function healthcheckText(service: Service | undefined): string {
  const test = service?.healthcheck?.test;
  if (test === undefined) return '';
  return Array.isArray(test) ? test.join(' ') : test;
}

function commandText(service: Service | undefined): string {
  const part = (value: string | string[] | undefined): string =>
    value === undefined ? '' : Array.isArray(value) ? value.join(' ') : value;
  return `${part(service?.entrypoint)} ${part(service?.command)}`;
}

/** Container ports a service publishes on the host. */
function publishedContainerPorts(service: Service | undefined): number[] {
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
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

function volumeSourceAt(service: Service | undefined, target: string): string | undefined {
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
function finalStage(dockerfile: string): Array<{ op: string; args: string }> {
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

function dockerfileArgDefaults(dockerfile: string): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const match of dockerfile.matchAll(/^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)/gm)) {
    if (match[1] !== undefined && match[2] !== undefined) defaults[match[1]] = match[2];
  }
  return defaults;
}

/** Problem with an image reference's pinning, or undefined when it is pinned. */
function imagePinProblem(reference: string, requireVersion: boolean): string | undefined {
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

// ---------------------------------------------------------------------------------------------
// Properties: each returns the problems found (empty = holds)

type Check = (stack: Stack) => string[];

const checkServicesExist: Check = ({ compose }) =>
  [...LONG_RUNNING, ONE_SHOT].filter((name) => !compose.services[name]).map((name) => `service ${name} is missing`);

const checkImagesPinned: Check = ({ compose }) => {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const built = buildOf(service) !== undefined;
    if (service.image === undefined) {
      if (!built) problems.push(`${name} has neither image nor build`);
      continue;
    }
    const reference = withDefaults(service.image);
    if (reference === undefined) {
      problems.push(`${name}: image ${service.image} depends on a variable without a default`);
      continue;
    }
    // Images pulled from a registry must name a version; a locally built one only needs a tag.
    const problem = imagePinProblem(reference, !built);
    if (problem) problems.push(`${name}: ${problem}`);
  }
  return problems;
};

const checkHealthchecks: Check = ({ compose }) =>
  LONG_RUNNING.filter((name) => {
    const healthcheck = compose.services[name]?.healthcheck;
    const test = healthcheck?.test;
    const first = Array.isArray(test) ? test[0] : test;
    return !healthcheck || healthcheck.disable === true || !test || test.length === 0 || first === 'NONE';
  }).map((name) => `${name} has no healthcheck`);

const checkRestartPolicies: Check = ({ compose }) =>
  LONG_RUNNING.filter((name) => {
    const restart = compose.services[name]?.restart ?? 'no';
    return !['always', 'unless-stopped'].includes(restart) && !restart.startsWith('on-failure');
  }).map((name) => `${name} is not restarted when it stops`);

const checkAppEnvironment: Check = ({ compose }) => {
  const problems: string[] = [];
  const database = env(compose.services.postgres);
  for (const name of APP_SERVICES) {
    const vars = env(compose.services[name]);
    const rawUrl = vars.DATABASE_URL;
    if (rawUrl === undefined) {
      problems.push(`${name}: DATABASE_URL is not set`);
    } else {
      // Replace interpolations (the password) by a placeholder so the URL parses.
      const url = new URL(rawUrl.replace(/\$\{[^}]*\}/g, 'secret'));
      if (!/^postgres(ql)?:$/.test(url.protocol)) problems.push(`${name}: DATABASE_URL is not a postgresql:// URL`);
      if (url.hostname !== 'postgres') problems.push(`${name}: DATABASE_URL points at ${url.hostname}, not postgres`);
      if (url.port !== '' && url.port !== '5432') problems.push(`${name}: DATABASE_URL uses port ${url.port}`);
      if (url.username !== database.POSTGRES_USER) problems.push(`${name}: DATABASE_URL user is not POSTGRES_USER`);
      if (url.pathname !== `/${database.POSTGRES_DB ?? ''}`) problems.push(`${name}: DATABASE_URL database is not POSTGRES_DB`);
    }
    if (vars.TEMPORAL_ADDRESS !== TEMPORAL_FRONTEND) {
      problems.push(`${name}: TEMPORAL_ADDRESS is ${String(vars.TEMPORAL_ADDRESS)}, not ${TEMPORAL_FRONTEND}`);
    }
    for (const required of ['MAILROUTE_SECRET_KEY', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE']) {
      if (!vars[required]) problems.push(`${name}: ${required} is not set`);
    }
  }
  return problems;
};

const checkAppHealthEndpoints: Check = ({ compose }) => {
  const problems: string[] = [];
  const api = compose.services.api;
  const apiPort = env(api).PORT;
  if (apiPort === undefined) problems.push('api: PORT is not set');
  if (!healthcheckText(api).includes(`127.0.0.1:${apiPort ?? '?'}/health`)) {
    problems.push('api: healthcheck does not GET /health on PORT');
  }
  if (env(api).HOST !== '0.0.0.0') problems.push('api: HOST must be 0.0.0.0 for the published port to reach it');
  const worker = compose.services.worker;
  const healthPort = env(worker).HEALTH_PORT;
  if (healthPort === undefined) problems.push('worker: HEALTH_PORT is not set');
  if (!healthcheckText(worker).includes(`127.0.0.1:${healthPort ?? '?'}/health`)) {
    problems.push('worker: healthcheck does not GET /health on HEALTH_PORT');
  }
  if (!/\bworker\.ts\b/.test(commandText(worker))) problems.push('worker: command does not run worker.ts');
  return problems;
};

const checkTemporalUi: Check = ({ compose }) => {
  const ui = compose.services['temporal-ui'];
  const problems: string[] = [];
  if (env(ui).TEMPORAL_ADDRESS !== TEMPORAL_FRONTEND) problems.push(`temporal-ui: TEMPORAL_ADDRESS is not ${TEMPORAL_FRONTEND}`);
  if (dependsOn(ui).temporal !== 'service_healthy') problems.push('temporal-ui does not wait for a healthy temporal');
  return problems;
};

const checkTemporalOwnDatabase: Check = ({ compose }) => {
  const problems: string[] = [];
  const temporal = compose.services.temporal;
  const vars = env(temporal);
  if (vars.POSTGRES_SEEDS !== 'temporal-postgres') {
    problems.push(`temporal: POSTGRES_SEEDS is ${String(vars.POSTGRES_SEEDS)}, not temporal-postgres`);
  }
  if (!/^postgres12(_pgx)?$/.test(vars.DB ?? '')) problems.push('temporal: DB is not a PostgreSQL plugin');
  const deps = dependsOn(temporal);
  if (deps['temporal-postgres'] !== 'service_healthy') problems.push('temporal does not wait for a healthy temporal-postgres');
  if ('postgres' in deps) problems.push("temporal depends on mailroute's database");
  if (env(compose.services['temporal-postgres']).POSTGRES_USER !== vars.POSTGRES_USER) {
    problems.push('temporal: POSTGRES_USER differs from temporal-postgres');
  }
  const dataDir = '/var/lib/postgresql/data';
  const mailrouteVolume = volumeSourceAt(compose.services.postgres, dataDir);
  const temporalVolume = volumeSourceAt(compose.services['temporal-postgres'], dataDir);
  for (const [name, volume] of [
    ['postgres', mailrouteVolume],
    ['temporal-postgres', temporalVolume],
  ] as const) {
    if (!volume || volume.startsWith('.') || volume.startsWith('/')) problems.push(`${name}: data is not on a named volume`);
    else if (!compose.volumes || !(volume in compose.volumes)) problems.push(`${name}: volume ${volume} is not declared`);
  }
  if (mailrouteVolume !== undefined && mailrouteVolume === temporalVolume) problems.push('both databases share one volume');
  return problems;
};

const checkDependsOn: Check = ({ compose }) => {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [target, condition] of Object.entries(dependsOn(service))) {
      const expected = target === ONE_SHOT ? 'service_completed_successfully' : 'service_healthy';
      if (condition !== expected) problems.push(`${name} → ${target}: condition is ${String(condition)}, not ${expected}`);
      if (expected === 'service_healthy' && !compose.services[target]?.healthcheck) {
        problems.push(`${name} → ${target}: ${target} has no healthcheck to wait for`);
      }
    }
  }
  const required: Array<[string, string]> = [
    ['api', 'postgres'],
    ['api', ONE_SHOT],
    ['worker', ONE_SHOT],
    ['worker', 'api'], // the API applies the migrations: healthy API = migrated schema
    ['temporal', 'temporal-postgres'],
    [ONE_SHOT, 'temporal'],
    ['temporal-ui', 'temporal'],
  ];
  for (const [from, to] of required) {
    if (!(to in dependsOn(compose.services[from]))) problems.push(`${from} does not depend on ${to}`);
  }
  return problems;
};

const checkSearchAttributes: Check = ({ compose }) => {
  const problems: string[] = [];
  const oneShot = compose.services[ONE_SHOT];
  if (!oneShot) return [`${ONE_SHOT} is missing`];
  if (!/^temporalio\/admin-tools:/.test(oneShot.image ?? '')) problems.push(`${ONE_SHOT} does not use temporalio/admin-tools`);
  if (oneShot.restart !== undefined && oneShot.restart !== 'no') problems.push(`${ONE_SHOT} is restarted: it must run once`);
  const script = commandText(oneShot);
  if (!/temporal\s+operator\s+search-attribute\s+create\b/.test(script)) {
    problems.push(`${ONE_SHOT} does not run temporal operator search-attribute create`);
  }
  if (!script.includes(`--address ${TEMPORAL_FRONTEND}`) && env(oneShot).TEMPORAL_ADDRESS !== TEMPORAL_FRONTEND) {
    problems.push(`${ONE_SHOT} does not target ${TEMPORAL_FRONTEND}`);
  }
  // Same namespace as the app uses (compare after applying defaults).
  const appNamespace = withDefaults(env(compose.services.api).TEMPORAL_NAMESPACE ?? 'default');
  const namespaceFlag = /--namespace[= ]+"?([^"\s]+)"?/.exec(script)?.[1];
  if (namespaceFlag === undefined || withDefaults(namespaceFlag) !== appNamespace) {
    problems.push(`${ONE_SHOT} does not register in the app's namespace (${String(appNamespace)})`);
  }
  const registered: Record<string, string> = {};
  for (const match of script.matchAll(/--name[= ]+"?([A-Za-z0-9_]+)"?\s+--type[= ]+"?([A-Za-z]+)"?/g)) {
    const [, name, type] = match;
    if (name === undefined || type === undefined) continue;
    if (name in registered) problems.push(`${name} is registered twice`);
    registered[name] = type;
  }
  for (const [name, type] of Object.entries(EXPECTED_SEARCH_ATTRIBUTES)) {
    if (!(name in registered)) problems.push(`${name} is not registered`);
    else if (!sameAttributeType(registered[name] ?? '', type)) {
      problems.push(`${name} is registered as ${String(registered[name])}, not ${type}`);
    }
  }
  for (const name of Object.keys(registered)) {
    if (!(name in EXPECTED_SEARCH_ATTRIBUTES)) problems.push(`${name} is registered but not expected`);
  }
  return problems;
};

const checkRequiredSecrets: Check = ({ compose }) => {
  const problems: string[] = [];
  const strings = allStrings(compose);
  for (const secret of REQUIRED_SECRETS) {
    const references = strings.flatMap((value) => [...value.matchAll(new RegExp(`\\$\\{?${secret}\\b([^}]*)\\}?`, 'g'))]);
    if (references.length === 0) problems.push(`${secret} is never used`);
    for (const reference of references) {
      // `${VAR:?msg}` (or `${VAR?msg}`): compose refuses to start when the variable is missing.
      if (!reference[0].startsWith('${') || !/^:?\?/.test(reference[1] ?? '')) {
        problems.push(`${secret} is referenced as ${reference[0]} instead of \${${secret}:?message}`);
      }
    }
  }
  const passwords: Array<[string, string | undefined, string]> = [
    ['postgres', env(compose.services.postgres).POSTGRES_PASSWORD, 'MAILROUTE_DB_PASSWORD'],
    ['temporal-postgres', env(compose.services['temporal-postgres']).POSTGRES_PASSWORD, 'TEMPORAL_DB_PASSWORD'],
    ['temporal', env(compose.services.temporal).POSTGRES_PWD, 'TEMPORAL_DB_PASSWORD'],
  ];
  for (const [service, value, secret] of passwords) {
    if (!value?.startsWith(`\${${secret}:?`)) problems.push(`${service}: the database password does not come from ${secret}`);
  }
  if (!env(compose.services.api).MAILROUTE_SECRET_KEY?.startsWith('${MAILROUTE_SECRET_KEY:?')) {
    problems.push('api: MAILROUTE_SECRET_KEY is not required from the environment');
  }
  return problems;
};

const checkPublishedPorts: Check = ({ compose }) => {
  const problems: string[] = [];
  for (const [name, port] of Object.entries(PUBLISHED)) {
    if (!publishedContainerPorts(compose.services[name]).includes(port)) problems.push(`${name} does not publish ${port}`);
  }
  for (const [name, service] of Object.entries(compose.services)) {
    if (name in PUBLISHED) continue;
    if ((service.ports ?? []).length > 0) problems.push(`${name} publishes ports`);
  }
  for (const name of DATABASES) {
    if ((compose.services[name]?.ports ?? []).length > 0) problems.push(`database ${name} is published`);
  }
  if (!publishedContainerPorts(compose.services.api).includes(Number(env(compose.services.api).PORT))) {
    problems.push('api does not publish the port it listens on (PORT)');
  }
  return problems;
};

const checkDockerfile: Check = ({ compose, dockerfiles }) => {
  const problems: string[] = [];
  for (const name of APP_SERVICES) {
    const build = buildOf(compose.services[name] ?? {});
    if (!build) {
      problems.push(`${name} is not built from the repository`);
      continue;
    }
    if (path.resolve(ROOT, build.context) !== ROOT) problems.push(`${name}: build context is not the repository root`);
    const dockerfile = dockerfiles[name];
    if (dockerfile === undefined) {
      problems.push(`${name}: ${build.dockerfile} does not exist`);
      continue;
    }
    const stage = finalStage(dockerfile);
    const user = stage
      .filter((line) => line.op === 'USER')
      .pop()
      ?.args.split(':')[0];
    if (user === undefined) problems.push(`${name}: the final stage sets no USER (runs as root)`);
    else if (user === 'root' || user === '0') problems.push(`${name}: the final stage runs as ${user}`);
    const args = dockerfileArgDefaults(dockerfile);
    const stages = stageNames(dockerfile);
    for (const match of dockerfile.matchAll(/^\s*FROM\s+(?:--\S+\s+)*(\S+)/gim)) {
      const image = (match[1] ?? '').replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, arg: string) => args[arg] ?? '');
      if (image === 'scratch' || stages.includes(image.toLowerCase())) continue;
      const problem = imagePinProblem(image, true);
      if (problem) problems.push(`${name}: base image ${problem}`);
    }
  }
  return problems;
};

function stageNames(dockerfile: string): string[] {
  return [...dockerfile.matchAll(/^\s*FROM\s+\S+\s+AS\s+(\S+)/gim)].map((match) => (match[1] ?? '').toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Ways to break each property (applied to a deep copy of the real stack)

type Breaker = [label: string, breakIt: (stack: Stack) => void];

function svc(stack: Stack, name: string): Service {
  const service = stack.compose.services[name];
  if (!service) throw new Error(`the real compose file has no ${name}`);
  return service;
}

function envOf(stack: Stack, name: string): Record<string, string | number | boolean | null> {
  const service = svc(stack, name);
  if (!service.environment || Array.isArray(service.environment)) service.environment = {};
  return service.environment as Record<string, string | number | boolean | null>;
}

function deps(stack: Stack, name: string): Record<string, DependsOnEntry | null> {
  const service = svc(stack, name);
  if (!service.depends_on || Array.isArray(service.depends_on)) {
    service.depends_on = Object.fromEntries((service.depends_on ?? []).map((d) => [d, null]));
  }
  return service.depends_on as Record<string, DependsOnEntry | null>;
}

function replaceInCommand(stack: Stack, from: RegExp, to: string): void {
  const service = svc(stack, ONE_SHOT);
  const command = service.command;
  service.command = Array.isArray(command) ? command.map((part) => part.replace(from, to)) : (command ?? '').replace(from, to);
}

function editDockerfiles(stack: Stack, edit: (text: string) => string): void {
  for (const name of Object.keys(stack.dockerfiles)) {
    const text = stack.dockerfiles[name];
    if (text !== undefined) stack.dockerfiles[name] = edit(text);
  }
}

const properties: Array<{ property: string; check: Check; breakers: Breaker[] }> = [
  {
    property: 'the six long-running services and the search-attribute one-shot exist',
    check: checkServicesExist,
    breakers: [
      ['temporal-ui removed', (s) => delete s.compose.services['temporal-ui']],
      ['one-shot removed', (s) => delete s.compose.services[ONE_SHOT]],
      ['worker removed', (s) => delete s.compose.services.worker],
    ],
  },
  {
    property: 'every image is pinned (a tag, never latest; registry images name a version)',
    check: checkImagesPinned,
    breakers: [
      ['postgres on latest', (s) => void (svc(s, 'postgres').image = 'postgres:latest')],
      ['temporal without a tag', (s) => void (svc(s, 'temporal').image = 'temporalio/auto-setup')],
      ['ui on a floating tag', (s) => void (svc(s, 'temporal-ui').image = 'temporalio/ui:stable')],
      ['app image from an unset variable', (s) => void (svc(s, 'api').image = 'mailroute:${MAILROUTE_VERSION}')],
      ['one-shot on latest', (s) => void (svc(s, ONE_SHOT).image = 'temporalio/admin-tools:latest')],
    ],
  },
  {
    property: 'every long-running service has a healthcheck',
    check: checkHealthchecks,
    breakers: [
      ['worker healthcheck removed', (s) => delete svc(s, 'worker').healthcheck],
      ['temporal healthcheck disabled', (s) => void (svc(s, 'temporal').healthcheck = { disable: true })],
      ['postgres healthcheck NONE', (s) => void (svc(s, 'postgres').healthcheck = { test: ['NONE'] })],
    ],
  },
  {
    property: 'every long-running service has a restart policy',
    check: checkRestartPolicies,
    breakers: [
      ['api restart removed', (s) => delete svc(s, 'api').restart],
      ['worker restart "no"', (s) => void (svc(s, 'worker').restart = 'no')],
    ],
  },
  {
    property: 'api and worker reach postgres through DATABASE_URL and Temporal at temporal:7233',
    check: checkAppEnvironment,
    breakers: [
      [
        'worker DATABASE_URL at localhost',
        (s) => void (envOf(s, 'worker').DATABASE_URL = 'postgresql://mailroute:x@localhost:5432/mailroute'),
      ],
      [
        'api DATABASE_URL at temporal-postgres',
        (s) => void (envOf(s, 'api').DATABASE_URL = 'postgresql://mailroute:x@temporal-postgres:5432/mailroute'),
      ],
      ['api DATABASE_URL removed', (s) => delete envOf(s, 'api').DATABASE_URL],
      ['worker TEMPORAL_ADDRESS at localhost', (s) => void (envOf(s, 'worker').TEMPORAL_ADDRESS = 'localhost:7233')],
      ['api TEMPORAL_ADDRESS removed', (s) => delete envOf(s, 'api').TEMPORAL_ADDRESS],
      ['worker MAILROUTE_SECRET_KEY removed', (s) => delete envOf(s, 'worker').MAILROUTE_SECRET_KEY],
    ],
  },
  {
    property: 'api and worker health checks hit /health on PORT / HEALTH_PORT',
    check: checkAppHealthEndpoints,
    breakers: [
      ['worker HEALTH_PORT removed', (s) => delete envOf(s, 'worker').HEALTH_PORT],
      ['api PORT changed away from its healthcheck', (s) => void (envOf(s, 'api').PORT = '8000')],
      ['api bound to loopback', (s) => void (envOf(s, 'api').HOST = '127.0.0.1')],
      ['worker runs the API', (s) => void (svc(s, 'worker').command = ['node', '--import', 'tsx', 'api/server.ts'])],
    ],
  },
  {
    property: 'the Temporal UI points at temporal:7233',
    check: checkTemporalUi,
    breakers: [
      ['UI address wrong', (s) => void (envOf(s, 'temporal-ui').TEMPORAL_ADDRESS = '127.0.0.1:7233')],
      ['UI does not wait for temporal', (s) => delete deps(s, 'temporal-ui').temporal],
    ],
  },
  {
    property: "Temporal uses its own database service, not mailroute's",
    check: checkTemporalOwnDatabase,
    breakers: [
      ["temporal on mailroute's postgres", (s) => void (envOf(s, 'temporal').POSTGRES_SEEDS = 'postgres')],
      ['temporal depends on postgres', (s) => void (deps(s, 'temporal').postgres = { condition: 'service_healthy' })],
      ['temporal does not wait for its database', (s) => delete deps(s, 'temporal')['temporal-postgres']],
      ['databases share a volume', (s) => void (svc(s, 'temporal-postgres').volumes = ['mailroute-db:/var/lib/postgresql/data'])],
      ['database on an anonymous volume', (s) => void (svc(s, 'postgres').volumes = [])],
    ],
  },
  {
    property: 'depends_on uses service_healthy / service_completed_successfully, in the right order',
    check: checkDependsOn,
    breakers: [
      ['short-form depends_on', (s) => void (svc(s, 'api').depends_on = ['postgres', ONE_SHOT])],
      ['service_started', (s) => void (deps(s, 'worker').api = { condition: 'service_started' })],
      ['one-shot awaited as healthy', (s) => void (deps(s, 'api')[ONE_SHOT] = { condition: 'service_healthy' })],
      ['worker no longer waits for the migrating API', (s) => delete deps(s, 'worker').api],
      ['api no longer waits for the attributes', (s) => delete deps(s, 'api')[ONE_SHOT]],
    ],
  },
  {
    property: 'the one-shot registers exactly the search attributes of contracts/search-attributes.ts, with their types',
    check: checkSearchAttributes,
    breakers: [
      ['an attribute dropped', (s) => replaceInCommand(s, /--name MailrouteAgent --type Keyword/, '')],
      [
        'a type changed',
        (s) => replaceInCommand(s, /--name MailrouteInteractionId --type Int/, '--name MailrouteInteractionId --type Keyword'),
      ],
      [
        'an extra attribute',
        (s) =>
          replaceInCommand(
            s,
            /--name MailrouteState --type Keyword/,
            '--name MailrouteState --type Keyword --name MailrouteExtra --type Text',
          ),
      ],
      ['a wrong namespace', (s) => replaceInCommand(s, /--namespace "?[^"\s]+"?/g, '--namespace other')],
      ['a wrong address', (s) => replaceInCommand(s, /--address temporal:7233/g, '--address localhost:7233')],
      ['no create command', (s) => void (svc(s, ONE_SHOT).command = ['true'])],
    ],
  },
  {
    property: 'required secrets use ${VAR:?message}',
    check: checkRequiredSecrets,
    breakers: [
      ['secret key with a default', (s) => void (envOf(s, 'worker').MAILROUTE_SECRET_KEY = '${MAILROUTE_SECRET_KEY:-changeme}')],
      ['secret key optional', (s) => void (envOf(s, 'api').MAILROUTE_SECRET_KEY = '${MAILROUTE_SECRET_KEY}')],
      ['literal database password', (s) => void (envOf(s, 'postgres').POSTGRES_PASSWORD = 'postgres')],
      ['temporal password optional', (s) => void (envOf(s, 'temporal').POSTGRES_PWD = '$TEMPORAL_DB_PASSWORD')],
      [
        'password in DATABASE_URL optional',
        (s) => void (envOf(s, 'api').DATABASE_URL = 'postgresql://mailroute:${MAILROUTE_DB_PASSWORD}@postgres:5432/mailroute'),
      ],
    ],
  },
  {
    property: 'api publishes 3000 and the UI 8080; nothing else is published',
    check: checkPublishedPorts,
    breakers: [
      ['postgres published', (s) => void (svc(s, 'postgres').ports = ['5432:5432'])],
      ['temporal-postgres published', (s) => void (svc(s, 'temporal-postgres').ports = ['127.0.0.1:5433:5432'])],
      ['temporal gRPC published', (s) => void (svc(s, 'temporal').ports = ['7233:7233'])],
      ['api not published', (s) => delete svc(s, 'api').ports],
      ['UI on the wrong port', (s) => void (svc(s, 'temporal-ui').ports = ['8088:8088'])],
    ],
  },
  {
    property: 'api and worker are built from the Dockerfile, which runs as a non-root USER on pinned bases',
    check: checkDockerfile,
    breakers: [
      ['USER removed', (s) => editDockerfiles(s, (text) => text.replace(/^USER .*$/gm, ''))],
      ['USER root', (s) => editDockerfiles(s, (text) => text.replace(/^USER .*$/gm, 'USER root'))],
      ['USER 0:0', (s) => editDockerfiles(s, (text) => text.replace(/^USER .*$/gm, 'USER 0:0'))],
      [
        'USER only in an earlier stage',
        (s) => editDockerfiles(s, (text) => `FROM node:20.20.2-bookworm-slim AS early\nUSER node\n${text.replace(/^USER .*$/gm, '')}`),
      ],
      ['Dockerfile missing', (s) => void (s.dockerfiles.api = undefined)],
      ['worker not built', (s) => delete svc(s, 'worker').build],
      ['node base on latest', (s) => editDockerfiles(s, (text) => text.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:latest'))],
    ],
  },
];

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml production stack', () => {
  const stack = loadStack();
  const copy = (): Stack => JSON.parse(JSON.stringify(stack)) as Stack;

  test.each(properties.map((p) => [p.property, p.check] as const))('%s', (_property, check) => {
    expect(check(stack)).toEqual([]);
  });

  const breakCases = properties.flatMap((p) => p.breakers.map(([label, breakIt]) => [p.property, label, p.check, breakIt] as const));
  test.each(breakCases)('%s — caught when broken: %s', (_property, _label, check, breakIt) => {
    const broken = copy();
    breakIt(broken);
    expect(check(broken)).not.toEqual([]);
  });
});
