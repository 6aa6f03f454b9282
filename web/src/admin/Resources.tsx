/** Admin: agents and other users, pause statuses, dispositions, canned answers. */
import { useState } from 'preact/hooks';
import { AccountPicker } from '../AccountPicker';
import { listAll } from '../api';
import type { Account, CannedAnswer, Disposition, PauseStatus, User } from '../types';
import { useLoad } from '../ui';
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
        {
          name: 'signature',
          label: 'Signature',
          kind: 'textarea',
          nullable: true,
          hint: "Put into their replies where the account's template says {{agent.signature}}. Empty: none. They can change it in My settings.",
        },
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
