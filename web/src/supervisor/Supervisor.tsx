/**
 * The supervisor view: the realtime account view and its team (live), the interactions list with filters and the advanced search
 * builder, CSV export and bulk delete of the selection, and spying on one interaction. Live events refresh the
 * realtime view and the list (debounced: a burst of events makes one request each) and the spied interaction.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { interactionIdIn, navigate, usePath } from '../router';
import { AccountPicker } from '../AccountPicker';
import { listAll } from '../api';
import { useLiveEvents } from '../live';
import type { Account, Disposition, Queue, User } from '../types';
import { ErrorText, Notice, useLoad } from '../ui';
import { Filters } from './Filters';
import { InteractionList } from './InteractionList';
import { RealtimePanel, useRealtime } from './RealtimePanel';
import { SearchBuilder, type Pickers } from './SearchBuilder';
import { SelectionActions } from './SelectionActions';
import { Spy } from './Spy';
import { useInteractionSearch } from './useInteractionSearch';
import { useSelection } from './useSelection';

export function Supervisor({ user }: { user: User }) {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const users = useLoad(() => listAll<User>('/users').catch(() => [] as User[]), []);
  const queues = useLoad(() => listAll<Queue>('/queues').catch(() => [] as Queue[]), []);
  const [accountId, setAccountId] = useState<number | null>(null);
  const { realtime, reload: reloadRealtime } = useRealtime(accountId);
  const list = useInteractionSearch(accountId);
  const selection = useSelection();
  // The interaction watched is the address's ("/supervisor/interactions/12"): linkable, kept by a reload.
  const spyId = interactionIdIn(usePath(), 'supervisor');
  const setSpyId = (id: number | null) => navigate(id === null ? '/supervisor' : `/supervisor/interactions/${id}`);
  /** Counts live events about the spied interaction, so the spy view loads it again. */
  const [spyVersion, setSpyVersion] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const timers = useRef<{ realtime?: ReturnType<typeof setTimeout>; list?: ReturnType<typeof setTimeout> }>({});

  useEffect(() => {
    if (accountId === null && accounts.data?.[0]) setAccountId(accounts.data[0].id);
  }, [accounts.data]);

  useEffect(() => {
    selection.set([]);
    void list.search();
  }, [accountId]);

  const dispositions = useLoad(
    () =>
      accountId === null
        ? Promise.resolve([] as Disposition[])
        : listAll<Disposition>(`/accounts/${accountId}/dispositions`).catch(() => [] as Disposition[]),
    [accountId],
  );
  const accountNames = useMemo(() => new Map((accounts.data ?? []).map((account) => [account.id, account.name])), [accounts.data]);
  const dispositionNames = useMemo(
    () => new Map((dispositions.data ?? []).map((disposition) => [disposition.id, disposition.name])),
    [dispositions.data],
  );
  const pickers = useMemo<Pickers>(
    () => ({
      agentId: (users.data ?? []).filter((person) => person.role !== 'admin').map((person) => ({ value: person.id, label: person.name })),
      queueId: (queues.data ?? []).map((queue) => ({ value: queue.id, label: queue.name })),
      accountId: (accounts.data ?? []).map((account) => ({ value: account.id, label: `${account.key} · ${account.name}` })),
      dispositionId: (dispositions.data ?? []).map((disposition) => ({ value: disposition.id, label: disposition.name })),
    }),
    [users.data, queues.data, accounts.data, dispositions.data],
  );
  const queueNames = useMemo(() => new Map((queues.data ?? []).map((queue) => [queue.id, queue.name])), [queues.data]);

  // Timers call the latest render's functions, so a refresh uses the filters shown now, not those of the event's time.
  const latest = useRef({ reloadRealtime, search: list.search });
  latest.current = { reloadRealtime, search: list.search };
  useLiveEvents((event) => {
    const reloadRealtimeSoon = () => {
      clearTimeout(timers.current.realtime);
      timers.current.realtime = setTimeout(() => void latest.current.reloadRealtime(), 150);
    };
    // An agent of this account changed presence (paused by routing, gone offline…): the team's row changes.
    if (event.data?.kind === 'presence') {
      if (accountId !== null && event.data.accountIds?.includes(accountId)) reloadRealtimeSoon();
      return;
    }
    if (event.event !== 'connected' && event.data?.accountId !== accountId) return;
    // An SLA escalation whose policy notifies supervisors says so here (the routing history keeps it).
    if (event.data?.kind === 'routing' && event.data.detail.notifySupervisors === true && typeof event.data.detail.text === 'string')
      setNotice(event.data.detail.text);
    reloadRealtimeSoon();
    clearTimeout(timers.current.list);
    timers.current.list = setTimeout(() => void latest.current.search(), 600);
    if (event.data?.interactionId === spyId) setSpyVersion((value) => value + 1);
  });

  return (
    <main class="supervisor">
      <h1 class="sr-only">Supervisor</h1>
      <div class="toolbar">
        <AccountPicker toolbar accounts={accounts.data ?? []} value={accountId} onChange={setAccountId} />
      </div>
      <ErrorText error={accounts.error} />
      <section aria-labelledby="realtime-title" class="realtime">
        <h2 id="realtime-title">Realtime</h2>
        <RealtimePanel realtime={realtime} queues={queueNames} />
      </section>
      <section aria-labelledby="list-title" class="interactions">
        <h2 id="list-title">Interactions</h2>
        <form
          class="filters"
          aria-label="Filters"
          onSubmit={(event) => {
            event.preventDefault();
            selection.set([]);
            void list.search();
          }}
        >
          <Filters filters={list.query.filters} onChange={list.query.setFilters} users={users.data ?? []} />
          <SearchBuilder
            match={list.query.match}
            setMatch={list.query.setMatch}
            conditions={list.query.conditions}
            setConditions={list.query.setConditions}
            pickers={pickers}
          />
          <div class="actions">
            <button type="submit" class="primary">
              Search
            </button>
            <SelectionActions
              selected={selection.selected}
              onError={list.setError}
              onDeleted={(count) => {
                setNotice(`Deleted ${count} interaction(s).`);
                list.drop(selection.selected);
                if (spyId !== null && selection.selected.has(spyId)) setSpyId(null);
                selection.set([]);
                void list.search();
                void reloadRealtime();
              }}
            />
          </div>
        </form>
        <ErrorText error={list.error} />
        {notice && <Notice>{notice}</Notice>}
        <InteractionList rows={list.rows} selection={selection} spyId={spyId} onSpy={setSpyId} />
        {list.cursor && (
          <button type="button" onClick={() => void list.search(true)}>
            Load more
          </button>
        )}
      </section>
      {spyId !== null && (
        <Spy
          key={spyId}
          interactionId={spyId}
          user={user}
          users={users.data ?? []}
          version={spyVersion}
          onClose={() => setSpyId(null)}
          onChanged={() => void list.search()}
          onDeleted={(id) => {
            setNotice(`Deleted interaction #${id}.`);
            list.drop(new Set([id]));
            setSpyId(null);
            void list.search();
            void reloadRealtime();
          }}
          queues={queueNames}
          accounts={accountNames}
          dispositions={dispositionNames}
        />
      )}
    </main>
  );
}
