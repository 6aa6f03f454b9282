/** Admin: email accounts (create, edit, delete, Verify SMTP) and who works them (agents, queues). */
import { useState } from 'preact/hooks';
import { del, get, listAll, patch, post, put } from '../api';
import type { Account, Queue, User } from '../types';
import { ErrorText, Notice, useLoad } from '../ui';
import { ResourceForm, type FieldSpec } from './forms';

const ACCOUNT_FIELDS: FieldSpec[] = [
  { name: 'general', label: 'Account', kind: 'heading' },
  { name: 'name', label: 'Name', kind: 'text', required: true },
  { name: 'key', label: 'Key (1–5 letters or digits)', kind: 'text', required: true },
  { name: 'emailAddress', label: 'Email address', kind: 'email', required: true },
  { name: 'active', label: 'Active (watch the mailbox)', kind: 'checkbox' },
  {
    name: 'service',
    label: 'Service',
    kind: 'select',
    options: [
      ['custom', 'Custom'],
      ['gmail', 'Gmail'],
      ['yahoo', 'Yahoo'],
      ['hotmail', 'Hotmail'],
      ['outlook365', 'Outlook 365'],
    ],
  },
  { name: 'description', label: 'Description', kind: 'text', nullable: true },
  { name: 'imap', label: 'IMAP (incoming)', kind: 'heading' },
  { name: 'imapHost', label: 'IMAP host', kind: 'text', nullable: true },
  { name: 'imapPort', label: 'IMAP port', kind: 'number' },
  { name: 'imapSsl', label: 'IMAP over TLS', kind: 'checkbox' },
  { name: 'imapAuth', label: 'IMAP login', kind: 'checkbox' },
  { name: 'imapUsername', label: 'IMAP username', kind: 'text', nullable: true },
  { name: 'imapPassword', label: 'IMAP password', kind: 'password' },
  { name: 'mailbox', label: 'Mailbox', kind: 'text' },
  { name: 'headersFilter', label: 'Headers filter', kind: 'text', hint: 'name, name1,name2, name=VALUE' },
  { name: 'markAsUnread', label: 'Mark as unread', kind: 'checkbox' },
  { name: 'disableDuplicateCheck', label: 'Disable duplicate check', kind: 'checkbox' },
  { name: 'smtp', label: 'SMTP (outgoing)', kind: 'heading' },
  { name: 'smtpHost', label: 'SMTP host', kind: 'text', nullable: true },
  { name: 'smtpPort', label: 'SMTP port', kind: 'number' },
  { name: 'smtpSecure', label: 'SMTP over TLS', kind: 'checkbox' },
  { name: 'smtpAuth', label: 'SMTP login', kind: 'checkbox' },
  { name: 'smtpUsername', label: 'SMTP username', kind: 'text', nullable: true },
  { name: 'smtpPassword', label: 'SMTP password', kind: 'password' },
  { name: 'connectionTimeoutSeconds', label: 'Connection timeout (s)', kind: 'number' },
  { name: 'authTimeoutSeconds', label: 'Auth timeout (s)', kind: 'number' },
  { name: 'routing', label: 'Routing and desk', kind: 'heading' },
  { name: 'waitForAssignedAgentSeconds', label: 'Wait for assigned agent (s)', kind: 'number' },
  { name: 'waitForAssignedQueueSeconds', label: 'Wait for assigned queue (s)', kind: 'number' },
  { name: 'mandatoryDisposition', label: 'Mandatory disposition', kind: 'checkbox' },
  { name: 'notificationSound', label: 'Notification sound', kind: 'checkbox' },
  { name: 'notificationShake', label: 'Notification shake', kind: 'checkbox' },
  {
    name: 'notificationTemplate',
    label: 'Notification template',
    kind: 'textarea',
    nullable: true,
    hint: 'placeholders: {{account.key}}, {{customer.email}}, {{subject}}',
  },
  { name: 'includeMessageOnForward', label: 'Include the message on forward', kind: 'checkbox' },
  { name: 'transferEnabled', label: 'Transfers enabled', kind: 'checkbox' },
  { name: 'transferToAgent', label: 'Transfer to agent', kind: 'checkbox' },
  { name: 'transferToQueue', label: 'Transfer to queue', kind: 'checkbox' },
  { name: 'transferToAccount', label: 'Transfer to account', kind: 'checkbox' },
  { name: 'transferTimeoutSeconds', label: 'Transfer timeout (s)', kind: 'number' },
];

const NEW_ACCOUNT = {
  service: 'custom',
  imapPort: 993,
  imapSsl: true,
  imapAuth: true,
  mailbox: 'INBOX',
  smtpPort: 465,
  smtpSecure: true,
  smtpAuth: true,
  connectionTimeoutSeconds: 10,
  authTimeoutSeconds: 5,
  waitForAssignedAgentSeconds: 10,
  waitForAssignedQueueSeconds: 10,
  notificationSound: true,
  transferToAgent: true,
  transferToQueue: true,
  transferTimeoutSeconds: 30,
};

interface VerifyResult {
  ok: boolean;
  host: string | null;
  port: number;
  elapsedMs: number;
  error?: string;
}

function Memberships({ account, users, queues }: { account: Account; users: User[]; queues: Queue[] }) {
  const agents = useLoad(() => get<{ items: User[] }>(`/accounts/${account.id}/agents`), [account.id]);
  const linked = useLoad(() => get<{ items: Queue[] }>(`/accounts/${account.id}/queues`), [account.id]);
  const [agentIds, setAgentIds] = useState<Set<number> | null>(null);
  const [queueIds, setQueueIds] = useState<Set<number> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const currentAgents = agentIds ?? new Set(agents.data?.items.map((user) => user.id));
  const currentQueues = queueIds ?? new Set(linked.data?.items.map((queue) => queue.id));
  const toggle = (set: Set<number>, id: number) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSaved(false);
    return next;
  };
  return (
    <form
      class="memberships"
      aria-label="Memberships"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await put(`/accounts/${account.id}/agents`, { agentIds: [...currentAgents] });
          await put(`/accounts/${account.id}/queues`, { queueIds: [...currentQueues] });
          setError(null);
          setSaved(true);
        } catch (failure) {
          setError(failure);
        }
      }}
    >
      <div class="two-columns">
        <fieldset>
          <legend>People added to {account.key}</legend>
          {users.map((user) => (
            <label key={user.id} class="inline">
              <input type="checkbox" checked={currentAgents.has(user.id)} onChange={() => setAgentIds(toggle(currentAgents, user.id))} />
              {user.name} <span class="muted">({user.role})</span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Queues of {account.key}</legend>
          {queues.map((queue) => (
            <label key={queue.id} class="inline">
              <input type="checkbox" checked={currentQueues.has(queue.id)} onChange={() => setQueueIds(toggle(currentQueues, queue.id))} />
              {queue.name}
            </label>
          ))}
          {queues.length === 0 && <p class="muted">No queues yet.</p>}
        </fieldset>
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Save memberships
        </button>
        {saved && <Notice>Saved.</Notice>}
      </div>
      <ErrorText error={error ?? agents.error ?? linked.error} />
    </form>
  );
}

export function Accounts() {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const users = useLoad(() => listAll<User>('/users'), []);
  const queues = useLoad(() => listAll<Queue>('/queues'), []);
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [verify, setVerify] = useState<{ id: number; result?: VerifyResult; error?: unknown } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const account = typeof editing === 'number' ? accounts.data?.find((candidate) => candidate.id === editing) : undefined;
  return (
    <section aria-labelledby="accounts-title">
      <h2 id="accounts-title">Email accounts</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col">Active</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {accounts.data?.map((row) => (
            <tr key={row.id}>
              <td>
                <span class="account-key">{row.key}</span>
              </td>
              <td>{row.name}</td>
              <td>{row.emailAddress}</td>
              <td>{row.active ? 'yes' : 'no'}</td>
              <td class="actions">
                <button type="button" class="small" onClick={() => setEditing(row.id)} aria-label={`Edit ${row.key}`}>
                  Edit
                </button>
                <button
                  type="button"
                  class="small"
                  aria-label={`Verify SMTP of ${row.key}`}
                  onClick={async () => {
                    setVerify({ id: row.id });
                    try {
                      setVerify({ id: row.id, result: await post<VerifyResult>(`/accounts/${row.id}/verify-smtp`) });
                    } catch (failure) {
                      setVerify({ id: row.id, error: failure });
                    }
                  }}
                >
                  Verify SMTP
                </button>
                <button
                  type="button"
                  class="small danger"
                  aria-label={`Delete ${row.key}`}
                  onClick={async () => {
                    if (!confirm(`Delete the account ${row.key} and all its interactions?`)) return;
                    try {
                      await del(`/accounts/${row.id}`);
                      if (editing === row.id) setEditing(null);
                      accounts.reload();
                    } catch (failure) {
                      setError(failure);
                    }
                  }}
                >
                  Delete
                </button>
                {verify?.id === row.id && (
                  <span role="status" class={verify.result?.ok ? 'notice' : verify.result || verify.error ? 'error' : 'muted'}>
                    {!verify.result && !verify.error && 'Verifying…'}
                    {verify.result?.ok && `SMTP OK: ${verify.result.host}:${verify.result.port} in ${verify.result.elapsedMs} ms`}
                    {verify.result && !verify.result.ok && `SMTP failed: ${verify.result.error}`}
                    {verify.error !== undefined && <ErrorText error={verify.error} />}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="actions">
        <button type="button" onClick={() => setEditing('new')}>
          New account
        </button>
      </div>
      <ErrorText error={error ?? accounts.error} />
      {editing === 'new' && (
        <>
          <h3>New account</h3>
          <ResourceForm
            key="new"
            label="New account"
            fields={ACCOUNT_FIELDS}
            defaults={NEW_ACCOUNT}
            submitLabel="Create account"
            onSubmit={async (body) => {
              const created = await post<Account>('/accounts', body);
              accounts.reload();
              setEditing(created.id);
            }}
          />
        </>
      )}
      {account && (
        <>
          <h3>
            Edit {account.key} · {account.name}
          </h3>
          <ResourceForm
            key={account.id}
            label={`Account ${account.key}`}
            fields={ACCOUNT_FIELDS}
            record={account}
            submitLabel="Save account"
            onSubmit={async (body) => {
              await patch(`/accounts/${account.id}`, body);
              accounts.reload();
            }}
          />
          <Memberships key={`members-${account.id}`} account={account} users={users.data ?? []} queues={queues.data ?? []} />
        </>
      )}
    </section>
  );
}
