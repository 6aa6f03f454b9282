/**
 * Structure of the production stack (docker-compose.yml + Dockerfile), checked without Docker.
 *
 * Every property is a pure check (tests/support/compose-checks.ts) that returns the problems it finds. Each is
 * run twice: on the real files (must find nothing) and on copies deliberately broken in the way the property
 * forbids (must find something), so no check can pass vacuously.
 */
import {
  checkAppEnvironment,
  checkAppHealthEndpoints,
  checkDependsOn,
  checkDockerfile,
  checkHealthchecks,
  checkImagesPinned,
  checkPublishedPorts,
  checkRequiredSecrets,
  checkRestartPolicies,
  checkSearchAttributes,
  checkServicesExist,
  checkTemporalOwnDatabase,
  checkTemporalUi,
  ONE_SHOT,
  type Check,
} from '../support/compose-checks';
import { checkMetricsScraping } from '../support/compose-metrics-checks';
import { loadStack, type DependsOnEntry, type Service, type Stack } from '../support/compose-stack';

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
    property: 'the long-running services (Prometheus and Grafana too) and the search-attribute one-shot exist',
    check: checkServicesExist,
    breakers: [
      ['grafana removed', (s) => delete s.compose.services.grafana],
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
    property: 'api publishes 3000, the UI 8080 and Grafana 3000; nothing else is published',
    check: checkPublishedPorts,
    breakers: [
      ['postgres published', (s) => void (svc(s, 'postgres').ports = ['5432:5432'])],
      ['temporal-postgres published', (s) => void (svc(s, 'temporal-postgres').ports = ['127.0.0.1:5433:5432'])],
      ['temporal gRPC published', (s) => void (svc(s, 'temporal').ports = ['7233:7233'])],
      ['api not published', (s) => delete svc(s, 'api').ports],
      ['UI on the wrong port', (s) => void (svc(s, 'temporal-ui').ports = ['8088:8088'])],
      ['prometheus published', (s) => void (svc(s, 'prometheus').ports = ['9090:9090'])],
    ],
  },
  {
    property:
      'Prometheus scrapes /metrics of the API and the worker with the token; Grafana has it and the dashboard of the platform’s series',
    check: checkMetricsScraping,
    breakers: [
      ['worker health port on loopback', (s) => delete envOf(s, 'worker').HOST],
      ['token optional', (s) => void (envOf(s, 'prometheus').METRICS_TOKEN = '${MAILROUTE_METRICS_TOKEN:-}')],
      [
        'another file as the Prometheus configuration',
        (s) =>
          void (svc(s, 'prometheus').volumes = ['./ops/grafana/provisioning/dashboards/mailroute.yml:/etc/prometheus/prometheus.yml:ro']),
      ],
      ['token never written', (s) => void (svc(s, 'prometheus').command = ['exec /bin/prometheus'])],
      ['worker on another health port', (s) => void (envOf(s, 'worker').HEALTH_PORT = '3005')],
      ['no provisioning', (s) => void (svc(s, 'grafana').volumes = ['grafana-data:/var/lib/grafana'])],
      [
        'another file as the dashboard',
        (s) =>
          void (svc(s, 'grafana').volumes = [
            './ops/grafana/provisioning:/etc/grafana/provisioning:ro',
            './package.json:/var/lib/grafana/dashboards/mailroute.json:ro',
          ]),
      ],
    ],
  },
  {
    property: 'api and worker are built from the Dockerfile, which runs as a non-root USER on pinned bases of a supported Node',
    check: checkDockerfile,
    breakers: [
      ['USER removed', (s) => editDockerfiles(s, (text) => text.replace(/^USER .*$/gm, ''))],
      ['USER root', (s) => editDockerfiles(s, (text) => text.replace(/^USER .*$/gm, 'USER root'))],
      ['USER 0:0', (s) => editDockerfiles(s, (text) => text.replace(/^USER .*$/gm, 'USER 0:0'))],
      [
        'USER only in an earlier stage',
        (s) => editDockerfiles(s, (text) => `FROM node:24.22.3-bookworm-slim AS early\nUSER node\n${text.replace(/^USER .*$/gm, '')}`),
      ],
      ['Dockerfile missing', (s) => void (s.dockerfiles.api = undefined)],
      ['worker not built', (s) => delete svc(s, 'worker').build],
      ['node base on latest', (s) => editDockerfiles(s, (text) => text.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:latest'))],
      [
        'node base on Node 20',
        (s) => editDockerfiles(s, (text) => text.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:20.20.2-bookworm-slim')),
      ],
    ],
  },
];

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
