/** Admin: agents and other users, queues and their members, pause statuses, dispositions, canned answers. */
import { useState } from 'preact/hooks';
import { get, listAll, put } from '../api';
import type { Account, CannedAnswer, Disposition, PauseStatus, Queue, User } from '../types';
import { ErrorText, Notice, useLoad } from '../ui';
import { Crud } from './Crud';

export function Users() {
  return (
    <Crud<User>
      title="Agents and users"
      singular="user"
      path="/users"
      nameOf={(user) => user.name}
      defaults={{ role: 'agent', capacity: 1 }}
      fields={[
        { name: 'name', label: 'Name', kind: 'text', required: true },
        { name: 'email', label: 'Email', kind: 'email', required: true },
        {
          name: 'role',
          label: 'Role',
          kind: 'select',
          options: [
            ['agent', 'Agent'],
            ['supervisor', 'Supervisor'],
            ['admin', 'Admin'],
          ],
        },
        { name: 'password', label: 'Password (8+ characters)', kind: 'password' },
        { name: 'capacity', label: 'Capacity (interactions at once)', kind: 'number' },
      ]}
      columns={[
        { label: 'Name', value: (user) => user.name },
        { label: 'Email', value: (user) => user.email },
        { label: 'Role', value: (user) => user.role },
        { label: 'Presence', value: (user) => user.presence },
        { label: 'Capacity', value: (user) => user.capacity },
      ]}
    />
  );
}

function QueueMembers({ queue, users }: { queue: Queue; users: User[] }) {
  const members = useLoad(
    () => get<{ members: Array<{ agentId: number; weight: number; priority: number }> }>(`/queues/${queue.id}/members`),
    [queue.id],
  );
  const [draft, setDraft] = useState<Map<number, number> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const current = draft ?? new Map(members.data?.members.map((member) => [member.agentId, member.priority]));
  const change = (next: Map<number, number>) => {
    setDraft(next);
    setSaved(false);
  };
  return (
    <form
      aria-label="Queue members"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await put(`/queues/${queue.id}/members`, { members: [...current].map(([agentId, priority]) => ({ agentId, priority })) });
          setSaved(true);
          setError(null);
        } catch (failure) {
          setError(failure);
        }
      }}
    >
      <fieldset>
        <legend>Members of {queue.name}</legend>
        {users
          .filter((user) => user.role !== 'admin')
          .map((user) => (
            <div key={user.id} class="member-row">
              <label class="inline">
                <input
                  type="checkbox"
                  checked={current.has(user.id)}
                  onChange={(event) => {
                    const next = new Map(current);
                    if (event.currentTarget.checked) next.set(user.id, 0);
                    else next.delete(user.id);
                    change(next);
                  }}
                />
                {user.name}
              </label>
              {current.has(user.id) && (
                <label class="inline">
                  priority
                  <input
                    type="number"
                    min={0}
                    max={100}
                    value={current.get(user.id)}
                    onInput={(event) => change(new Map(current).set(user.id, Number(event.currentTarget.value)))}
                  />
                </label>
              )}
            </div>
          ))}
      </fieldset>
      <div class="actions">
        <button type="submit" class="primary">
          Save members
        </button>
        {saved && <Notice>Saved.</Notice>}
      </div>
      <ErrorText error={error ?? members.error} />
    </form>
  );
}

export function Queues() {
  const users = useLoad(() => listAll<User>('/users'), []);
  const pauses = useLoad(() => listAll<PauseStatus>('/pause-statuses'), []);
  return (
    <Crud<Queue>
      title="Queues"
      singular="queue"
      path="/queues"
      nameOf={(queue) => queue.name}
      defaults={{ strategy: 'beepall', offerTimeoutSeconds: 30 }}
      fields={[
        { name: 'name', label: 'Name', kind: 'text', required: true },
        { name: 'description', label: 'Description', kind: 'text', nullable: true },
        {
          name: 'strategy',
          label: 'Strategy',
          kind: 'select',
          options: [
            ['beepall', 'Ring all (beepall)'],
            ['rrmemory', 'Round robin with memory'],
            ['leastrecent', 'Least recent'],
            ['fewestcalls', 'Fewest interactions'],
            ['random', 'Random'],
          ],
        },
        { name: 'offerTimeoutSeconds', label: 'Offer timeout (s)', kind: 'number' },
        {
          name: 'notRespondingPauseStatusId',
          label: 'Pause an agent who lets an offer time out',
          kind: 'select',
          nullable: true,
          options: [['', '(no pause)'], ...(pauses.data ?? []).map((pause): [string, string] => [String(pause.id), pause.name])],
        },
      ]}
      columns={[
        { label: 'Name', value: (queue) => queue.name },
        { label: 'Strategy', value: (queue) => queue.strategy },
        { label: 'Offer timeout', value: (queue) => `${queue.offerTimeoutSeconds} s` },
      ]}
    >
      {(queue) => <QueueMembers key={queue.id} queue={queue} users={users.data ?? []} />}
    </Crud>
  );
}

export function PauseStatuses() {
  return (
    <Crud<PauseStatus>
      title="Pause statuses"
      singular="pause status"
      path="/pause-statuses"
      nameOf={(pause) => pause.name}
      fields={[
        { name: 'name', label: 'Name', kind: 'text', required: true },
        { name: 'description', label: 'Description', kind: 'text', nullable: true },
      ]}
      columns={[
        { label: 'Name', value: (pause) => pause.name },
        { label: 'Description', value: (pause) => pause.description ?? '' },
      ]}
    />
  );
}

export function AccountPicker({
  accounts,
  value,
  onChange,
}: {
  accounts: Account[];
  value: number | null;
  onChange: (id: number) => void;
}) {
  return (
    <label class="inline">
      Account
      <select aria-label="Account" value={value ?? ''} onChange={(event) => onChange(Number(event.currentTarget.value))}>
        <option value="" disabled>
          Choose…
        </option>
        {accounts.map((account) => (
          <option key={account.id} value={account.id}>
            {account.key} · {account.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Dispositions() {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const [accountId, setAccountId] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const all = useLoad(
    () => (accountId ? listAll<Disposition>(`/accounts/${accountId}/dispositions`) : Promise.resolve([])),
    [accountId, version],
  );
  const nameOf = (disposition: Disposition): string => {
    const parent = all.data?.find((candidate) => candidate.id === disposition.parentId);
    return parent ? `${nameOf(parent)} › ${disposition.name}` : disposition.name;
  };
  return (
    <section aria-label="Dispositions">
      <AccountPicker accounts={accounts.data ?? []} value={accountId} onChange={setAccountId} />
      {accountId !== null && (
        <Crud<Disposition>
          key={accountId}
          title="Dispositions"
          singular="disposition"
          path={`/accounts/${accountId}/dispositions`}
          nameOf={nameOf}
          onChange={() => setVersion((value) => value + 1)}
          fields={[
            { name: 'name', label: 'Name', kind: 'text', required: true },
            {
              name: 'parentId',
              label: 'Parent (second and third level)',
              kind: 'select',
              nullable: true,
              options: [
                ['', '(first level)'],
                ...(all.data ?? [])
                  .filter((disposition) => disposition.level < 3)
                  .map((disposition): [string, string] => [String(disposition.id), nameOf(disposition)]),
              ],
            },
          ]}
          columns={[
            { label: 'Disposition', value: nameOf },
            { label: 'Level', value: (disposition) => disposition.level },
          ]}
        />
      )}
    </section>
  );
}

export function CannedAnswers() {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const keyOf = (id: number | null) =>
    id === null ? 'global' : (accounts.data?.find((account) => account.id === id)?.key ?? `account ${id}`);
  return (
    <Crud<CannedAnswer>
      title="Canned answers"
      singular="canned answer"
      path="/canned-answers"
      nameOf={(answer) => answer.name}
      fields={[
        { name: 'name', label: 'Name', kind: 'text', required: true },
        {
          name: 'accountId',
          label: 'Offered on',
          kind: 'select',
          nullable: true,
          options: [
            ['', 'every account (global)'],
            ...(accounts.data ?? []).map((account): [string, string] => [String(account.id), `${account.key} only`]),
          ],
        },
        {
          name: 'body',
          label: 'Text',
          kind: 'textarea',
          required: true,
          hint: 'placeholders: {{customer.name}}, {{agent.name}}, {{account.name}}',
        },
      ]}
      columns={[
        { label: 'Name', value: (answer) => answer.name },
        { label: 'Account', value: (answer) => <span class="badge">{keyOf(answer.accountId)}</span> },
        { label: 'Text', value: (answer) => (answer.body.length > 80 ? `${answer.body.slice(0, 80)}…` : answer.body) },
      ]}
    />
  );
}
