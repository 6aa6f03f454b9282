/** The interactions list's simple filters: status, read, agent, a creation date range, tags and service level. */
import type { User } from '../types';
import type { SimpleFilters } from './search';

export function Filters({
  filters,
  onChange,
  users,
}: {
  filters: SimpleFilters;
  onChange: (filters: SimpleFilters) => void;
  users: User[];
}) {
  const set = (change: Partial<SimpleFilters>) => onChange({ ...filters, ...change });
  return (
    <div class="filter-row">
      <label>
        Status
        <select
          aria-label="Status"
          value={filters.status}
          onChange={(event) => set({ status: event.currentTarget.value as SimpleFilters['status'] })}
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
          onChange={(event) => set({ read: event.currentTarget.value as SimpleFilters['read'] })}
        >
          <option value="">any</option>
          <option value="true">read</option>
          <option value="false">unread</option>
        </select>
      </label>
      <label>
        Agent
        <select aria-label="Agent" value={filters.agentId ?? ''} onChange={(event) => set({ agentId: event.currentTarget.value })}>
          <option value="">any</option>
          <AgentOptions users={users} />
        </select>
      </label>
      <label>
        From
        <input type="datetime-local" value={filters.from ?? ''} onInput={(event) => set({ from: event.currentTarget.value })} />
      </label>
      <label>
        To
        <input type="datetime-local" value={filters.to ?? ''} onInput={(event) => set({ to: event.currentTarget.value })} />
      </label>
      <label>
        Tags
        <input
          type="text"
          placeholder="vip, refund"
          title="Interactions with every one of these tags (separated by commas)"
          value={filters.tags ?? ''}
          onInput={(event) => set({ tags: event.currentTarget.value })}
        />
      </label>
      <label>
        Service level
        <select value={filters.sla ?? ''} onChange={(event) => set({ sla: event.currentTarget.value as SimpleFilters['sla'] })}>
          <option value="">any</option>
          <option value="breached">breached</option>
          <option value="at-risk">at risk</option>
          <option value="met">met in time</option>
          <option value="running">running</option>
        </select>
      </label>
      {filters.sla && (
        <label>
          Target
          <select
            value={filters.slaTarget ?? ''}
            onChange={(event) => set({ slaTarget: event.currentTarget.value as SimpleFilters['slaTarget'] })}
          >
            <option value="">any</option>
            <option value="first-response">first response</option>
            <option value="next-response">next response</option>
            <option value="resolution">resolution</option>
          </select>
        </label>
      )}
    </div>
  );
}

/** The people who can hold interactions (admins cannot), as options of a select. */
export function AgentOptions({ users }: { users: User[] }) {
  return (
    <>
      {users
        .filter((person) => person.role !== 'admin')
        .map((person) => (
          <option key={person.id} value={person.id}>
            {person.name}
          </option>
        ))}
    </>
  );
}
