/**
 * The properties the production stack must have, each a pure check returning the problems it finds (empty when
 * it holds). tests/unit/docker-compose.test.ts runs each on the real files and on copies broken on purpose.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mailrouteSearchAttributes } from '../../contracts/search-attributes';
import {
  allStrings,
  buildOf,
  commandText,
  dependsOn,
  dockerfileArgDefaults,
  env,
  finalStage,
  healthcheckText,
  imagePinProblem,
  publishedContainerPorts,
  ROOT,
  stageNames,
  volumeSourceAt,
  withDefaults,
  type Stack,
} from './compose-stack';

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

/** The oldest Node major the platform supports: package.json's `engines.node` (`>=24`). */
const NODE_MAJOR = Number(
  /^>=\s*(\d+)/.exec(
    (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node,
  )?.[1],
);

const LONG_RUNNING = ['postgres', 'temporal-postgres', 'temporal', 'temporal-ui', 'api', 'worker', 'prometheus', 'grafana'] as const;
export const ONE_SHOT = 'temporal-search-attributes';
const APP_SERVICES = ['api', 'worker'] as const;
const DATABASES = ['postgres', 'temporal-postgres'] as const;
const REQUIRED_SECRETS = [
  'MAILROUTE_SECRET_KEY',
  'MAILROUTE_DB_PASSWORD',
  'TEMPORAL_DB_PASSWORD',
  'MAILROUTE_METRICS_TOKEN',
  'GRAFANA_ADMIN_PASSWORD',
] as const;
/** Services allowed to publish ports, and the container port each must publish. */
const PUBLISHED: Readonly<Record<string, number>> = { api: 3000, 'temporal-ui': 8080, grafana: 3000 };
const TEMPORAL_FRONTEND = 'temporal:7233';

export type Check = (stack: Stack) => string[];

export const checkServicesExist: Check = ({ compose }) =>
  [...LONG_RUNNING, ONE_SHOT].filter((name) => !compose.services[name]).map((name) => `service ${name} is missing`);

export const checkImagesPinned: Check = ({ compose }) => {
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

export const checkHealthchecks: Check = ({ compose }) =>
  LONG_RUNNING.filter((name) => {
    const healthcheck = compose.services[name]?.healthcheck;
    const test = healthcheck?.test;
    const first = Array.isArray(test) ? test[0] : test;
    return !healthcheck || healthcheck.disable === true || !test || test.length === 0 || first === 'NONE';
  }).map((name) => `${name} has no healthcheck`);

export const checkRestartPolicies: Check = ({ compose }) =>
  LONG_RUNNING.filter((name) => {
    const restart = compose.services[name]?.restart ?? 'no';
    return !['always', 'unless-stopped'].includes(restart) && !restart.startsWith('on-failure');
  }).map((name) => `${name} is not restarted when it stops`);

export const checkAppEnvironment: Check = ({ compose }) => {
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

export const checkAppHealthEndpoints: Check = ({ compose }) => {
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

export const checkTemporalUi: Check = ({ compose }) => {
  const ui = compose.services['temporal-ui'];
  const problems: string[] = [];
  if (env(ui).TEMPORAL_ADDRESS !== TEMPORAL_FRONTEND) problems.push(`temporal-ui: TEMPORAL_ADDRESS is not ${TEMPORAL_FRONTEND}`);
  if (dependsOn(ui).temporal !== 'service_healthy') problems.push('temporal-ui does not wait for a healthy temporal');
  return problems;
};

export const checkTemporalOwnDatabase: Check = ({ compose }) => {
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

export const checkDependsOn: Check = ({ compose }) => {
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

export const checkSearchAttributes: Check = ({ compose }) => {
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

export const checkRequiredSecrets: Check = ({ compose }) => {
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

export const checkPublishedPorts: Check = ({ compose }) => {
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

export const checkDockerfile: Check = ({ compose, dockerfiles }) => {
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
      const nodeMajor = /^node:(\d+)/.exec(image)?.[1];
      if (nodeMajor !== undefined && !(Number(nodeMajor) >= NODE_MAJOR)) {
        problems.push(`${name}: base image ${image} runs Node ${nodeMajor}, older than package.json's engines (${NODE_MAJOR})`);
      }
    }
  }
  return problems;
};
