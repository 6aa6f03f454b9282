/**
 * Reports: figures over a range of days for the accounts the user may see, narrowed to an account, a queue or an
 * agent; an agent sees their own ("My figures"). Summary cards, a daily chart, the time distributions, the
 * breakdowns per agent and per queue, and the same figures as CSV. Loaded on first use (import()).
 */
import { useState } from 'preact/hooks';
import { download, get, listAll } from '../api';
import type { Account, Queue, ReportBreakdown, ReportSummary, User } from '../types';
import { ErrorText, useLoad } from '../ui';
import { BarChart } from './Charts';
import { BreakdownTable, DispositionsTable, SummaryCards } from './Figures';
import './reports.css';

/** YYYY-MM-DD of `date` in the time zone `tz`. */
export function dayIn(tz: string, date: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** The day `days` before YYYY-MM-DD `day`. */
export function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const ZONES = [
  ...new Set([
    BROWSER_ZONE,
    'UTC',
    'Europe/London',
    'Europe/Rome',
    'America/New_York',
    'America/Los_Angeles',
    'Asia/Kolkata',
    'Asia/Tokyo',
  ]),
];
const PRESETS = [
  { label: 'Today', days: 1 },
  { label: 'Last 7 days', days: 7 },
  { label: 'Last 30 days', days: 30 },
  { label: 'Last 90 days', days: 90 },
];

interface Filters {
  from: string;
  to: string;
  tz: string;
  accountId: string;
  queueId: string;
  agentId: string;
}

function queryOf(filters: Filters): string {
  const params = new URLSearchParams({ from: filters.from, to: filters.to, tz: filters.tz });
  if (filters.accountId) params.set('accountId', filters.accountId);
  if (filters.queueId) params.set('queueId', filters.queueId);
  if (filters.agentId) params.set('agentId', filters.agentId);
  return params.toString();
}

export function Reports({ user }: { user: User }) {
  const own = user.role === 'agent';
  const today = dayIn(BROWSER_ZONE, new Date());
  const [draft, setDraft] = useState<Filters>({
    from: daysBefore(today, 6),
    to: today,
    tz: BROWSER_ZONE,
    accountId: '',
    queueId: '',
    agentId: '',
  });
  const [applied, setApplied] = useState<Filters>(draft);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const accounts = useLoad(() => listAll<Account>('/accounts').catch(() => [] as Account[]), []);
  const queues = useLoad(() => (own ? Promise.resolve([] as Queue[]) : listAll<Queue>('/queues').catch(() => [] as Queue[])), [own]);
  const agents = useLoad(() => (own ? Promise.resolve([] as User[]) : listAll<User>('/users').catch(() => [] as User[])), [own]);
  const query = queryOf(applied);
  const report = useLoad(
    () =>
      Promise.all([
        get<ReportSummary>(`/reports/summary?${query}`),
        own ? Promise.resolve(null) : get<ReportBreakdown>(`/reports/agents?${query}`),
        own ? Promise.resolve(null) : get<ReportBreakdown>(`/reports/queues?${query}`),
      ]),
    [query],
  );
  const [summary, byAgent, byQueue] = report.data ?? [];
  const set = (field: keyof Filters) => (event: Event) => setDraft({ ...draft, [field]: (event.currentTarget as HTMLInputElement).value });
  const csv = (kind: string) => async () => {
    setDownloadError(null);
    await download('GET', `/reports/${kind}?${query}&format=csv`, `mailroute-${kind}.csv`).catch(setDownloadError);
  };
  const title = own ? 'My figures' : 'Reports';

  return (
    <main class="reports" aria-labelledby="reports-title">
      <h1 id="reports-title">{title}</h1>
      <form
        class="report-filters"
        aria-label="Report filters"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(draft);
        }}
      >
        <div class="presets" role="group" aria-label="Quick ranges">
          {PRESETS.map((preset) => (
            <button
              key={preset.label}
              type="button"
              onClick={() => {
                const end = dayIn(draft.tz, new Date());
                const next = { ...draft, from: daysBefore(end, preset.days - 1), to: end };
                setDraft(next);
                setApplied(next);
              }}
            >
              {preset.label}
            </button>
          ))}
        </div>
        <div class="report-field">
          <label for="report-from">From</label>
          <input type="date" id="report-from" name="from" required value={draft.from} max={draft.to} onInput={set('from')} />
        </div>
        <div class="report-field">
          <label for="report-to">To</label>
          <input type="date" id="report-to" name="to" required value={draft.to} min={draft.from} onInput={set('to')} />
        </div>
        <div class="report-field">
          <label for="report-tz">Time zone</label>
          <select id="report-tz" name="tz" value={draft.tz} onChange={set('tz')}>
            {ZONES.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </div>
        <div class="report-field">
          <label for="report-accountId">Account</label>
          <select id="report-accountId" name="accountId" value={draft.accountId} onChange={set('accountId')}>
            <option value="">All my accounts</option>
            {(accounts.data ?? []).map((account) => (
              <option key={account.id} value={String(account.id)}>
                {account.key} · {account.name}
              </option>
            ))}
          </select>
        </div>
        {!own && (
          <div class="report-field">
            <label for="report-queueId">Queue</label>
            <select id="report-queueId" name="queueId" value={draft.queueId} onChange={set('queueId')}>
              <option value="">All queues</option>
              {(queues.data ?? []).map((queue) => (
                <option key={queue.id} value={String(queue.id)}>
                  {queue.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {!own && (
          <div class="report-field">
            <label for="report-agentId">Agent</label>
            <select id="report-agentId" name="agentId" value={draft.agentId} onChange={set('agentId')}>
              <option value="">All agents</option>
              {(agents.data ?? [])
                .filter((one) => one.role === 'agent')
                .map((one) => (
                  <option key={one.id} value={String(one.id)}>
                    {one.name}
                  </option>
                ))}
            </select>
          </div>
        )}
        <button type="submit">Show</button>
        <button type="button" onClick={csv('summary')}>
          Download CSV
        </button>
      </form>
      <ErrorText error={report.error ?? downloadError} />
      {!summary && !report.error && <p class="notice">Loading…</p>}
      {summary && (
        <>
          <p class="report-range" aria-live="polite">
            {summary.from} to {summary.to}, days in {summary.tz}
          </p>
          <SummaryCards summary={summary} />
          <BarChart
            title="Emails per day"
            labels={summary.daily.map((day) => day.day)}
            series={[
              { name: 'Customer emails', values: summary.daily.map((day) => day.inbound), tone: 'tone-in' },
              { name: 'Agent emails', values: summary.daily.map((day) => day.outbound), tone: 'tone-out' },
              { name: 'Closed', values: summary.daily.map((day) => day.closed), tone: 'tone-closed' },
            ]}
            describe={`${summary.volumes.inbound} customer emails, ${summary.volumes.outbound} agent emails and ${summary.volumes.closed} closed over ${summary.daily.length} days`}
          >
            Day
          </BarChart>
          <BarChart
            title="Time distributions"
            labels={summary.waiting.histogram.map((bucket) => bucket.label)}
            series={[
              { name: 'Waiting', values: summary.waiting.histogram.map((bucket) => bucket.count), tone: 'tone-in' },
              { name: 'First response', values: summary.firstResponse.histogram.map((bucket) => bucket.count), tone: 'tone-out' },
              { name: 'Handle', values: summary.handle.histogram.map((bucket) => bucket.count), tone: 'tone-closed' },
            ]}
            describe={`interactions by how long they waited, were first answered and were handled`}
          >
            Duration
          </BarChart>
          <DispositionsTable summary={summary} />
          {byAgent && <BreakdownTable title="Per agent" who="Agent" breakdown={byAgent} onCsv={csv('agents')} />}
          {byQueue && <BreakdownTable title="Per queue" who="Queue" breakdown={byQueue} onCsv={csv('queues')} />}
        </>
      )}
    </main>
  );
}
