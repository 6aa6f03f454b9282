/**
 * `npm run bench:actions`: Temporal actions per routing run, as a Temporal Cloud bill counts them (rules in
 * bench/support/actions.ts), from the committed replay histories of the same scenarios on both routing paths:
 * tests/replay/histories/polling/ (runs started before database placement) and placement/. Writes
 * bench/results/actions.json and prints the table the README shows. `npm run bench` runs it too.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ACTION_KINDS, countActions, type ActionCount } from './support/actions';

const HISTORIES = path.resolve(__dirname, '../tests/replay/histories');
const OUT = path.resolve(__dirname, 'results/actions.json');
/** The scenario the README's cost per email is quoted for: queue, accept, reply, close with a disposition. */
export const COST_SCENARIO = 'route-email-queue-accept-reply-dispose-close';
/** The parked scenario was renamed with the change (the polling run backed off its poll). */
const SAME_SCENARIO: Record<string, string> = { 'route-email-parked-backoff-woken-by-close': 'route-email-parked-woken-by-close' };

export interface ActionsReport {
  scenario: string;
  polling: ActionCount;
  placement: ActionCount;
  all: Array<{ scenario: string; polling: number | null; placement: number | null }>;
}

function countDir(dir: string): Map<string, ActionCount> {
  const counts = new Map<string, ActionCount>();
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const history = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { events: Array<Record<string, unknown>> };
    const scenario = file.replace(/\.json$/, '');
    counts.set(SAME_SCENARIO[scenario] ?? scenario, countActions(history.events));
  }
  return counts;
}

export function actionsReport(): ActionsReport {
  const polling = countDir(path.join(HISTORIES, 'polling'));
  const placement = countDir(path.join(HISTORIES, 'placement'));
  const scenarios = [...new Set([...polling.keys(), ...placement.keys()])].sort();
  return {
    scenario: COST_SCENARIO,
    polling: polling.get(COST_SCENARIO)!,
    placement: placement.get(COST_SCENARIO)!,
    all: scenarios.map((scenario) => ({
      scenario,
      polling: polling.get(scenario)?.total ?? null,
      placement: placement.get(scenario)?.total ?? null,
    })),
  };
}

export function actionsTable(report: ActionsReport): string {
  const rows = ACTION_KINDS.map((kind) => `| ${kind} | ${report.polling.byKind[kind]} | ${report.placement.byKind[kind]} |`);
  return [
    `| Temporal actions, \`${report.scenario}\` | polling path | database placement |`,
    '| --- | ---: | ---: |',
    ...rows,
    `| **total** | **${report.polling.total}** | **${report.placement.total}** |`,
  ].join('\n');
}

export function allScenariosTable(report: ActionsReport): string {
  return [
    '| scenario (committed history) | polling path | database placement |',
    '| --- | ---: | ---: |',
    ...report.all.map((row) => `| ${row.scenario.replace(/^route-email-/, '')} | ${row.polling ?? '–'} | ${row.placement ?? '–'} |`),
  ].join('\n');
}

if (require.main === module) {
  const report = actionsReport();
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`${actionsTable(report)}\n\n${allScenariosTable(report)}`);
}
