/**
 * The monitoring part of the production stack: Prometheus scrapes the API's and the worker's /metrics with the
 * metrics token, and Grafana is provisioned with Prometheus and the mailroute dashboard, whose mailroute_* series
 * all exist. Read from the files the compose services mount, so a wrong mount is caught like a wrong file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createPlatformMetrics } from '../../platform/metrics';
import { allStrings, commandText, env, ROOT, volumeSourceAt } from './compose-stack';
import type { Check } from './compose-checks';

interface ScrapeJob {
  job_name?: string;
  metrics_path?: string;
  authorization?: { credentials_file?: string };
  static_configs?: Array<{ targets?: string[] }>;
}

function mounted<T>(source: string | undefined): T | undefined {
  if (source === undefined) return undefined;
  const file = path.resolve(ROOT, source);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as T;
}

/** The series names the platform defines (a histogram's family name with its _bucket, _sum and _count). */
function platformSeries(): Set<string> {
  const text = createPlatformMetrics().render({ queues: true });
  const names = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
    type === 'histogram' ? [name!, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!],
  );
  return new Set(names);
}

export const checkMetricsScraping: Check = ({ compose }) => {
  const problems: string[] = [];
  const { api, worker, prometheus, grafana } = compose.services;
  if (!prometheus) return ['service prometheus is missing'];
  if (!grafana) return ['service grafana is missing'];
  if (env(worker).HOST !== '0.0.0.0') problems.push('worker: HOST must be 0.0.0.0 for Prometheus to reach its /metrics');
  const required = (value: string | undefined) => value?.startsWith('${MAILROUTE_METRICS_TOKEN:?') === true;
  for (const [name, service] of [
    ['api', api],
    ['worker', worker],
  ] as const) {
    if (!required(env(service).MAILROUTE_METRICS_TOKEN))
      problems.push(`${name}: MAILROUTE_METRICS_TOKEN is not required from the environment`);
  }
  // Prometheus gets it under another name: the secrets check reads every $MAILROUTE_METRICS_TOKEN as compose's.
  if (!required(env(prometheus).METRICS_TOKEN)) problems.push('prometheus: METRICS_TOKEN is not MAILROUTE_METRICS_TOKEN, required');

  const config = mounted<{ scrape_configs?: ScrapeJob[] }>(volumeSourceAt(prometheus, '/etc/prometheus/prometheus.yml'));
  if (!config) problems.push('prometheus: no configuration mounted at /etc/prometheus/prometheus.yml');
  const jobs = config?.scrape_configs ?? [];
  const targets = { api: `api:${env(api).PORT ?? '?'}`, worker: `worker:${env(worker).HEALTH_PORT ?? '?'}` };
  for (const [name, target] of Object.entries(targets)) {
    const job = jobs.find((candidate) => (candidate.static_configs ?? []).some((entry) => entry.targets?.includes(target)));
    if (!job) {
      problems.push(`prometheus does not scrape the ${name} at ${target}`);
      continue;
    }
    if ((job.metrics_path ?? '/metrics') !== '/metrics') problems.push(`prometheus scrapes the ${name} at ${String(job.metrics_path)}`);
    const tokenFile = job.authorization?.credentials_file;
    if (!tokenFile) problems.push(`prometheus sends the ${name} no bearer token`);
    else if (!new RegExp(`"\\$\\$METRICS_TOKEN"\\s*>\\s*${tokenFile}\\b`).test(commandText(prometheus)))
      problems.push(`prometheus: nothing writes METRICS_TOKEN to ${tokenFile}`);
  }

  const datasources = mounted<{ datasources?: Array<{ uid?: string; type?: string; url?: string }> }>(
    path.join(volumeSourceAt(grafana, '/etc/grafana/provisioning') ?? '/nonexistent', 'datasources/prometheus.yml'),
  );
  const source = datasources?.datasources?.find((entry) => entry.type === 'prometheus');
  if (!source) problems.push('grafana: no Prometheus data source provisioned');
  else if (source.url !== 'http://prometheus:9090') problems.push(`grafana: the data source points at ${String(source.url)}`);
  const dashboard = mounted<{ panels?: unknown[] }>(volumeSourceAt(grafana, '/var/lib/grafana/dashboards/mailroute.json'));
  if (!dashboard) {
    problems.push('grafana: the mailroute dashboard is not mounted');
    return problems;
  }
  const uids = new Set(
    JSON.stringify(dashboard.panels ?? [])
      .match(/"uid":"[^"]+"/g)
      ?.map((entry) => entry.slice(7, -1)),
  );
  if (source && (uids.size !== 1 || !uids.has(source.uid ?? ''))) problems.push('grafana: the dashboard uses another data source');
  const known = platformSeries();
  const used = new Set(allStrings(dashboard.panels).flatMap((text) => text.match(/\bmailroute_\w+/g) ?? []));
  for (const series of used)
    if (!known.has(series)) problems.push(`grafana: the dashboard reads ${series}, which the platform does not serve`);
  for (const series of known) {
    const family = series.replace(/_(bucket|sum|count)$/, '');
    if (![...used].some((name) => name.startsWith(family))) problems.push(`grafana: no panel shows ${family}`);
  }
  return problems;
};
