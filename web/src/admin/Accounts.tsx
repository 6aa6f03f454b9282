/** Admin: email accounts (create, edit, delete, Verify SMTP) and who works them (agents, queues). */
import { useEffect, useState } from 'preact/hooks';
import { get, listAll, post, put } from '../api';
import type { Account, ContactList, PauseStatus, Queue, User } from '../types';
import { ErrorText, useLoad } from '../ui';
import { ACCOUNT_FIELDS, NEW_ACCOUNT } from './account-fields';
import { AccountOAuth2, signInOutcomeOf, SignInOutcomeText } from './AccountOAuth2';
import { AccountTemplates } from './AccountTemplates';
import { Calendars } from './Calendars';
import { SlaPolicies } from './SlaPolicies';
import { Crud } from './Crud';
import { DemoMailButton } from './DemoMail';
import { SaveForm } from './forms';

interface VerifyResult {
  ok: boolean;
  host: string | null;
  port: number;
  elapsedMs: number;
  error?: string;
}

function toggled(set: Set<number>, id: number): Set<number> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

function Memberships({ account, users, queues }: { account: Account; users: User[]; queues: Queue[] }) {
  const agents = useLoad(() => get<{ items: User[] }>(`/accounts/${account.id}/agents`), [account.id]);
  const linked = useLoad(() => get<{ items: Queue[] }>(`/accounts/${account.id}/queues`), [account.id]);
  const [agentIds, setAgentIds] = useState<Set<number> | null>(null);
  const [queueIds, setQueueIds] = useState<Set<number> | null>(null);
  const currentAgents = agentIds ?? new Set(agents.data?.items.map((user) => user.id));
  const currentQueues = queueIds ?? new Set(linked.data?.items.map((queue) => queue.id));
  return (
    <SaveForm
      class="memberships"
      label="Memberships"
      submitLabel="Save memberships"
      loadError={agents.error ?? linked.error}
      onSave={async () => {
        await put(`/accounts/${account.id}/agents`, { agentIds: [...currentAgents] });
        await put(`/accounts/${account.id}/queues`, { queueIds: [...currentQueues] });
      }}
    >
      <div class="two-columns">
        <fieldset>
          <legend>People added to {account.key}</legend>
          {users.map((user) => (
            <label key={user.id} class="inline">
              <input type="checkbox" checked={currentAgents.has(user.id)} onChange={() => setAgentIds(toggled(currentAgents, user.id))} />
              {user.name} <span class="muted">({user.role})</span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Queues of {account.key}</legend>
          {queues.map((queue) => (
            <label key={queue.id} class="inline">
              <input type="checkbox" checked={currentQueues.has(queue.id)} onChange={() => setQueueIds(toggled(currentQueues, queue.id))} />
              {queue.name}
            </label>
          ))}
          {queues.length === 0 && <p class="muted">No queues yet.</p>}
        </fieldset>
      </div>
    </SaveForm>
  );
}

/** Verify SMTP of one row: "Verifying…", then the server's answer. */
function VerifyStatus({ verify }: { verify: { result?: VerifyResult; error?: unknown } }) {
  return (
    <span role="status" class={verify.result?.ok ? 'notice' : verify.result || verify.error ? 'error' : 'muted'}>
      {!verify.result && !verify.error && 'Verifying…'}
      {verify.result?.ok && `SMTP OK: ${verify.result.host}:${verify.result.port} in ${verify.result.elapsedMs} ms`}
      {verify.result && !verify.result.ok && `SMTP failed: ${verify.result.error}`}
      {verify.error !== undefined && <ErrorText error={verify.error} />}
    </span>
  );
}

export function Accounts() {
  const users = useLoad(() => listAll<User>('/users'), []);
  const queues = useLoad(() => listAll<Queue>('/queues'), []);
  const pauses = useLoad(() => listAll<PauseStatus>('/pause-statuses'), []);
  const contactLists = useLoad(() => listAll<ContactList>('/contact-lists'), []);
  // The pause applied while disposing, and the list new senders are saved to, are picked by name.
  const named: Record<string, Array<{ id: number; name: string }> | undefined> = {
    dispositionPauseStatusId: pauses.data,
    contactListId: contactLists.data,
  };
  const fields = ACCOUNT_FIELDS.map((field) =>
    field.name in named
      ? {
          ...field,
          options: [...(field.options ?? []), ...(named[field.name] ?? []).map((row): [string, string] => [String(row.id), row.name])],
        }
      : field,
  );
  const [verify, setVerify] = useState<{ id: number; result?: VerifyResult; error?: unknown } | null>(null);
  // Back from an OAuth2 sign-in: its outcome is shown once, on the account's form (the address is cleaned).
  const [returned] = useState(() => signInOutcomeOf(location.search));
  useEffect(() => {
    if (returned) history.replaceState(null, '', location.pathname);
  }, [returned]);
  const page = (
    <Crud<Account>
      initialEditing={returned?.accountId ?? undefined}
      title="Email accounts"
      singular="account"
      path="/accounts"
      nameOf={(account) => account.key}
      fields={fields}
      defaults={NEW_ACCOUNT}
      texts={{
        newHeading: 'New account',
        editHeading: (account) => `Edit ${account.key} · ${account.name}`,
        editForm: (account) => `Account ${account.key}`,
        save: 'Save account',
        confirmDelete: (account) => `Delete the account ${account.key} and all its interactions?`,
      }}
      columns={[
        { label: 'Key', value: (account) => <span class="account-key">{account.key}</span> },
        {
          label: 'Name',
          value: (account) => (
            <>
              {account.name}
              {account.demo && (
                <>
                  {' '}
                  <span class="badge">Demo</span>
                </>
              )}
            </>
          ),
        },
        { label: 'Address', value: (account) => account.emailAddress },
        { label: 'Active', value: (account) => (account.active ? 'yes' : 'no') },
      ]}
      rowActions={(account) => (
        <>
          {account.demo && <DemoMailButton />}
          <button
            type="button"
            class="small"
            aria-label={`Verify SMTP of ${account.key}`}
            onClick={async () => {
              setVerify({ id: account.id });
              try {
                setVerify({ id: account.id, result: await post<VerifyResult>(`/accounts/${account.id}/verify-smtp`) });
              } catch (failure) {
                setVerify({ id: account.id, error: failure });
              }
            }}
          >
            Verify SMTP
          </button>
        </>
      )}
      rowStatus={(account) => verify?.id === account.id && <VerifyStatus verify={verify} />}
    >
      {(account) => (
        <>
          <Memberships key={`members-${account.id}`} account={account} users={users.data ?? []} queues={queues.data ?? []} />
          <AccountTemplates key={`templates-${account.id}`} accountId={account.id} />
          <Calendars key={`calendars-${account.id}`} accountId={account.id} />
          <SlaPolicies key={`sla-${account.id}`} accountId={account.id} />
          <AccountOAuth2
            key={`oauth2-${account.id}`}
            account={account as Parameters<typeof AccountOAuth2>[0]['account']}
            returned={returned?.accountId === account.id ? returned : undefined}
          />
        </>
      )}
    </Crud>
  );
  // A sign-in that could not be matched to an account says so above the list.
  if (returned && returned.accountId === null)
    return (
      <>
        <SignInOutcomeText {...returned} />
        {page}
      </>
    );
  return page;
}
