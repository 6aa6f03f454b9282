/**
 * The supervisor view: the realtime account view (live), the interactions list with filters and the
 * advanced search builder, CSV export and bulk delete of the selection, and spying on one interaction.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { download, get, listAll, post } from '../api';
import { capabilities } from '../capabilities';
import { useLiveEvents } from '../live';
import type { Account, InteractionSummary, Page, Queue, Realtime, User } from '../types';
import { ErrorText, formatDate, formatSeconds, Notice, useLoad } from '../ui';
import { inputKind, toSearchRequest, type DraftCondition, type SimpleFilters } from './search';
import { Spy } from './Spy';

function RealtimePanel({
  realtime,
  queues,
  users,
}: {
  realtime: Realtime | undefined;
  queues: Map<number, string>;
  users: Map<number, string>;
}) {
  if (!realtime) return <p class="muted">Loading…</p>;
  const tiles: Array<[string, string, string]> = [
    ['waiting', 'Waiting', String(realtime.waiting)],
    ['offered', 'Offered', String(realtime.offered)],
    ['in-progress', 'In progress', String(realtime.inProgress)],
    ['longest-wait', 'Longest wait', formatSeconds(realtime.longestWaitSeconds)],
  ];
  return (
    <>
      <dl class="tiles">
        {tiles.map(([id, label, value]) => (
          <div key={id} class="tile" data-testid={`realtime-${id}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div class="realtime-tables">
        {(
          [
            ['Per queue', realtime.queues, (id: number | null) => (id === null ? '(no queue)' : (queues.get(id) ?? `queue ${id}`))],
            ['Per agent', realtime.agents, (id: number | null) => (id === null ? '' : (users.get(id) ?? `agent ${id}`))],
          ] as const
        ).map(([caption, rows, name]) => (
          <table key={caption}>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{caption === 'Per queue' ? 'Queue' : 'Agent'}</th>
                <th scope="col">Waiting</th>
                <th scope="col">Offered</th>
                <th scope="col">In progress</th>
                <th scope="col">Longest wait</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={5} class="muted">
                    Nothing open.
                  </td>
                </tr>
              )}
              {rows.map((row) => (
                <tr key={String(row.id)}>
                  <th scope="row">{name(row.id)}</th>
                  <td>{row.waiting}</td>
                  <td>{row.offered}</td>
                  <td>{row.inProgress}</td>
                  <td>{formatSeconds(row.longestWaitSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
    </>
  );
}

let nextConditionKey = 1;

function SearchBuilder({
  match,
  setMatch,
  conditions,
  setConditions,
}: {
  match: 'all' | 'any';
  setMatch: (value: 'all' | 'any') => void;
  conditions: DraftCondition[];
  setConditions: (value: DraftCondition[]) => void;
}) {
  const accepts = useLoad(() => capabilities(), []);
  const fields = accepts.data?.searchFields.length ? accepts.data.searchFields : ['subject', 'customerEmail'];
  const operators = accepts.data?.searchOperators.length ? accepts.data.searchOperators : ['equals', 'contains'];
  const update = (key: number, change: Partial<DraftCondition>) =>
    setConditions(conditions.map((condition) => (condition.key === key ? { ...condition, ...change } : condition)));
  return (
    <fieldset class="search-builder">
      <legend>Advanced search</legend>
      <div role="radiogroup" aria-label="Match">
        <label class="inline">
          <input type="radio" name="match" checked={match === 'all'} onChange={() => setMatch('all')} /> all conditions
        </label>
        <label class="inline">
          <input type="radio" name="match" checked={match === 'any'} onChange={() => setMatch('any')} /> any condition
        </label>
      </div>
      <ol class="conditions">
        {conditions.map((condition, index) => {
          const kind = inputKind(condition.field);
          const n = index + 1;
          return (
            <li key={condition.key} class={condition.enabled ? '' : 'disabled'} data-condition={n}>
              <label>
                <span class="sr-only">Condition {n} field</span>
                <select
                  aria-label={`Condition ${n} field`}
                  value={condition.field}
                  onChange={(event) => update(condition.key, { field: event.currentTarget.value, value: '' })}
                >
                  {fields.map((field) => (
                    <option key={field} value={field}>
                      {field}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <span class="sr-only">Condition {n} operator</span>
                <select
                  aria-label={`Condition ${n} operator`}
                  value={condition.operator}
                  onChange={(event) => update(condition.key, { operator: event.currentTarget.value })}
                >
                  {operators.map((operator) => (
                    <option key={operator} value={operator}>
                      {operator}
                    </option>
                  ))}
                </select>
              </label>
              {condition.operator !== 'isEmpty' && (
                <label>
                  <span class="sr-only">Condition {n} value</span>
                  {kind === 'boolean' || kind === 'status' ? (
                    <select
                      aria-label={`Condition ${n} value`}
                      value={condition.value}
                      onChange={(event) => update(condition.key, { value: event.currentTarget.value })}
                    >
                      <option value="">Choose…</option>
                      {(kind === 'boolean' ? ['true', 'false'] : ['open', 'closed']).map((value) => (
                        <option key={value} value={value}>
                          {value}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      // Preact's types narrow `type` per literal; the three kinds share every attribute used here.
                      type={
                        (kind === 'date' && condition.operator !== 'in'
                          ? 'datetime-local'
                          : kind === 'number' && condition.operator !== 'in'
                            ? 'number'
                            : 'text') as 'text'
                      }
                      value={condition.value}
                      placeholder={condition.operator === 'in' ? 'a, b, c' : ''}
                      onInput={(event) => update(condition.key, { value: event.currentTarget.value })}
                    />
                  )}
                </label>
              )}
              <label class="inline">
                <input
                  type="checkbox"
                  checked={condition.enabled}
                  onChange={(event) => update(condition.key, { enabled: event.currentTarget.checked })}
                />
                enabled
              </label>
              <button
                type="button"
                class="small"
                aria-label={`Delete condition ${n}`}
                onClick={() => setConditions(conditions.filter((other) => other.key !== condition.key))}
              >
                Delete
              </button>
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        onClick={() =>
          setConditions([
            ...conditions,
            // A text field first: "contains" applies to text only.
            {
              key: nextConditionKey++,
              field: fields.includes('subject') ? 'subject' : (fields[0] ?? 'subject'),
              operator: 'contains',
              value: '',
              enabled: true,
            },
          ])
        }
      >
        Add condition
      </button>
    </fieldset>
  );
}

export function Supervisor({ user }: { user: User }) {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const users = useLoad(() => listAll<User>('/users').catch(() => [] as User[]), []);
  const queues = useLoad(() => listAll<Queue>('/queues').catch(() => [] as Queue[]), []);
  const [accountId, setAccountId] = useState<number | null>(null);
  const [realtime, setRealtime] = useState<Realtime | undefined>(undefined);
  const [filters, setFilters] = useState<SimpleFilters>({ status: '' });
  const [match, setMatch] = useState<'all' | 'any'>('all');
  const [conditions, setConditions] = useState<DraftCondition[]>([]);
  const [rows, setRows] = useState<InteractionSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [spyId, setSpyId] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [spyVersion, setSpyVersion] = useState(0);
  const timers = useRef<{ realtime?: ReturnType<typeof setTimeout>; list?: ReturnType<typeof setTimeout> }>({});

  useEffect(() => {
    if (accountId === null && accounts.data?.[0]) setAccountId(accounts.data[0].id);
  }, [accounts.data]);

  const userNames = useMemo(() => new Map((users.data ?? []).map((person) => [person.id, person.name])), [users.data]);
  const queueNames = useMemo(() => new Map((queues.data ?? []).map((queue) => [queue.id, queue.name])), [queues.data]);

  const loadRealtime = async () => {
    if (accountId === null) return;
    setRealtime(await get<Realtime>(`/accounts/${accountId}/realtime`).catch(() => undefined));
  };
  const search = async (more = false) => {
    if (accountId === null) return;
    try {
      const page = await post<Page<InteractionSummary>>(
        '/interactions/search',
        toSearchRequest({ ...filters, accountId }, match, conditions, { limit: 50, cursor: more ? cursor : null }),
      );
      setRows(more ? [...rows, ...page.items] : page.items);
      setCursor(page.nextCursor);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };

  useEffect(() => {
    setRealtime(undefined);
    setSelected(new Set());
    void loadRealtime();
    void search();
    const poll = setInterval(() => void loadRealtime(), 10_000); // longest wait keeps growing without events
    return () => clearInterval(poll);
  }, [accountId]);

  // Timers call the latest render's functions, so a refresh uses the filters shown now, not those of the event's time.
  const latest = useRef({ loadRealtime, search });
  latest.current = { loadRealtime, search };
  useLiveEvents((event) => {
    if (event.event !== 'connected' && event.data.accountId !== accountId) return;
    clearTimeout(timers.current.realtime);
    timers.current.realtime = setTimeout(() => void latest.current.loadRealtime(), 150);
    clearTimeout(timers.current.list);
    timers.current.list = setTimeout(() => void latest.current.search(), 600);
    if (event.data.interactionId === spyId) setSpyVersion((value) => value + 1);
  });

  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));
  const toggle = (id: number) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  return (
    <main class="supervisor">
      <div class="toolbar">
        <label>
          Account
          <select aria-label="Account" value={accountId ?? ''} onChange={(event) => setAccountId(Number(event.currentTarget.value))}>
            {accounts.data?.map((account) => (
              <option key={account.id} value={account.id}>
                {account.key} · {account.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorText error={accounts.error} />
      <section aria-labelledby="realtime-title" class="realtime">
        <h2 id="realtime-title">Realtime</h2>
        <RealtimePanel realtime={realtime} queues={queueNames} users={userNames} />
      </section>
      <section aria-labelledby="list-title" class="interactions">
        <h2 id="list-title">Interactions</h2>
        <form
          class="filters"
          aria-label="Filters"
          onSubmit={(event) => {
            event.preventDefault();
            setSelected(new Set());
            void search();
          }}
        >
          <div class="filter-row">
            <label>
              Status
              <select
                aria-label="Status"
                value={filters.status}
                onChange={(event) => setFilters({ ...filters, status: event.currentTarget.value as SimpleFilters['status'] })}
              >
                <option value="">any</option>
                <option value="open">open</option>
                <option value="closed">closed</option>
              </select>
            </label>
            <label>
              Read
              <select
                aria-label="Read"
                value={filters.read ?? ''}
                onChange={(event) => setFilters({ ...filters, read: event.currentTarget.value as SimpleFilters['read'] })}
              >
                <option value="">any</option>
                <option value="true">read</option>
                <option value="false">unread</option>
              </select>
            </label>
            <label>
              Agent
              <select
                aria-label="Agent"
                value={filters.agentId ?? ''}
                onChange={(event) => setFilters({ ...filters, agentId: event.currentTarget.value })}
              >
                <option value="">any</option>
                {users.data
                  ?.filter((person) => person.role !== 'admin')
                  .map((person) => (
                    <option key={person.id} value={person.id}>
                      {person.name}
                    </option>
                  ))}
              </select>
            </label>
            <label>
              From
              <input
                type="datetime-local"
                value={filters.from ?? ''}
                onInput={(event) => setFilters({ ...filters, from: event.currentTarget.value })}
              />
            </label>
            <label>
              To
              <input
                type="datetime-local"
                value={filters.to ?? ''}
                onInput={(event) => setFilters({ ...filters, to: event.currentTarget.value })}
              />
            </label>
          </div>
          <SearchBuilder match={match} setMatch={setMatch} conditions={conditions} setConditions={setConditions} />
          <div class="actions">
            <button type="submit" class="primary">
              Search
            </button>
            <button
              type="button"
              disabled={selected.size === 0}
              onClick={async () => {
                try {
                  await download('POST', '/interactions/export', 'interactions.csv', { ids: [...selected], bom: true });
                } catch (failure) {
                  setError(failure);
                }
              }}
            >
              Export CSV ({selected.size})
            </button>
            <button
              type="button"
              class="danger"
              disabled={selected.size === 0}
              onClick={async () => {
                if (!confirm(`Delete ${selected.size} interaction(s) permanently, with their emails and attachments?`)) return;
                try {
                  const result = await post<{ deleted: number }>('/interactions/bulk-delete', { ids: [...selected], confirm: true });
                  setNotice(`Deleted ${result.deleted} interaction(s).`);
                  setRows(rows.filter((row) => !selected.has(row.id)));
                  if (spyId !== null && selected.has(spyId)) setSpyId(null);
                  setSelected(new Set());
                  void search();
                  void loadRealtime();
                } catch (failure) {
                  setError(failure);
                }
              }}
            >
              Delete selected
            </button>
          </div>
        </form>
        <ErrorText error={error} />
        {notice && <Notice>{notice}</Notice>}
        <table class="interaction-list">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all shown"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((row) => row.id)))}
                />
              </th>
              <th scope="col">#</th>
              <th scope="col">Subject</th>
              <th scope="col">Customer</th>
              <th scope="col">Status</th>
              <th scope="col">Routing</th>
              <th scope="col">Agent</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-interaction-id={row.id} class={`${row.read ? '' : 'unread'}${row.id === spyId ? ' current' : ''}`}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select interaction ${row.id}`}
                    checked={selected.has(row.id)}
                    onChange={() => toggle(row.id)}
                  />
                </td>
                <td>{row.id}</td>
                <td>
                  <button type="button" class="link" onClick={() => setSpyId(row.id)}>
                    {row.subject || '(no subject)'}
                  </button>
                </td>
                <td>{row.customerName ? `${row.customerName} <${row.customerEmail}>` : row.customerEmail}</td>
                <td>{row.status}</td>
                <td>{row.routingState}</td>
                <td>{row.agentName ?? ''}</td>
                <td>{formatDate(row.createdAt)}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={8} class="muted">
                  No interactions match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {cursor && (
          <button type="button" onClick={() => void search(true)}>
            Load more
          </button>
        )}
      </section>
      {spyId !== null && (
        <Spy key={spyId} interactionId={spyId} user={user} users={users.data ?? []} version={spyVersion} onClose={() => setSpyId(null)} />
      )}
    </main>
  );
}
