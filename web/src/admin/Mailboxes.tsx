/**
 * Admin: an account's mailbox as the watcher sees it (connected, IDLE or polling, the last checkpoint, the last
 * error, what is still to read), its visible events, and the emails it quarantined with the reason: each can be
 * downloaded as it arrived and ingested again.
 */
import { useEffect, useState } from 'preact/hooks';
import { AccountPicker } from '../AccountPicker';
import { download, get, listAll, post } from '../api';
import type { Account, Page } from '../types';
import { ErrorText, Notice, RelativeTime, formatBytes, useLoad } from '../ui';

interface MailboxState {
  accountId: number;
  mailbox: string;
  active: boolean;
  connected: boolean;
  watching: 'idle' | 'polling' | null;
  lastError: string | null;
  uidValidity: string | null;
  lastSeenUid: string;
  highestModseq: string | null;
  uidNext: string | null;
  lag: { pendingEmails: number; secondsSinceLastContact: number | null };
  lastSeenAt: string | null;
}

interface MailboxEvent {
  id: number;
  mailbox: string;
  type: string;
  detail: unknown;
  createdAt: string;
}

interface QuarantinedEmail {
  id: number;
  accountId: number;
  mailbox: string;
  uidValidity: string;
  uid: string;
  reason: string;
  rawSha256: string | null;
  sizeBytes: number | null;
  createdAt: string;
  reingestedAt: string | null;
}

type ReingestAnswer =
  { messageId: number | null; interactionId: number | null; outcome: string } | { state: 'running'; workflowId: string };

/** The watcher's state in words. */
function watcherWords(state: MailboxState): string {
  if (!state.active) return 'Not watched: the account is not active.';
  if (!state.connected) return state.lastError ? 'Disconnected: the last attempt failed.' : 'Connecting…';
  return state.watching === 'polling'
    ? 'Connected, checking for new mail at the login mail frequency (the server has no IDLE).'
    : 'Connected: the server announces new mail at once (IDLE).';
}

/** How often the watcher's state is read again while the page is open. */
const WATCHER_REFRESH_MS = 5000;

function StatePanel({ account }: { account: Account }) {
  const state = useLoad(() => get<MailboxState>(`/accounts/${account.id}/mailbox-state`), [account.id]);
  const events = useLoad(() => get<Page<MailboxEvent>>(`/accounts/${account.id}/mailbox-events?limit=10&order=desc`), [account.id]);
  const data = state.data;
  // The watcher connects, reconnects and reads while the admin looks: its state is kept current without a click.
  const { reload: reloadState } = state;
  const { reload: reloadEvents } = events;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      reloadState();
      reloadEvents();
    }, WATCHER_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reloadState, reloadEvents]);
  return (
    <section aria-labelledby="mailbox-state-title">
      <h3 id="mailbox-state-title">Watcher of {account.key}</h3>
      <ErrorText error={state.error} />
      {data && (
        <>
          <p class={data.connected ? 'notice' : data.lastError ? 'error' : 'muted'} role="status">
            {watcherWords(data)}
          </p>
          <dl class="facts">
            <dt>Mailbox</dt>
            <dd>{data.mailbox}</dd>
            <dt>Last checkpoint</dt>
            <dd>
              {data.uidValidity === null
                ? 'none yet (nothing read)'
                : `UID ${data.lastSeenUid} of UIDVALIDITY ${data.uidValidity}${data.highestModseq ? `, MODSEQ ${data.highestModseq}` : ''}`}
            </dd>
            <dt>Last contact</dt>
            <dd>{data.lastSeenAt ? <RelativeTime value={data.lastSeenAt} /> : 'never'}</dd>
            <dt>Still to read</dt>
            <dd>{data.lag.pendingEmails === 1 ? '1 email' : `${data.lag.pendingEmails} emails`}</dd>
            <dt>Last error</dt>
            <dd class={data.lastError ? 'error' : undefined}>{data.lastError ?? 'none'}</dd>
          </dl>
          <button type="button" class="small" onClick={() => state.reload()}>
            Refresh
          </button>
        </>
      )}
      <h4>Recent mailbox events</h4>
      <ErrorText error={events.error} />
      {events.data?.items.length === 0 && <p class="muted">None.</p>}
      <ul class="mailbox-events">
        {events.data?.items.map((event) => (
          <li key={event.id} title={JSON.stringify(event.detail)}>
            <RelativeTime value={event.createdAt} /> {event.type} ({event.mailbox})
          </li>
        ))}
      </ul>
    </section>
  );
}

function Quarantine({ account }: { account: Account }) {
  const [version, setVersion] = useState(0);
  const rows = useLoad(() => listAll<QuarantinedEmail>(`/accounts/${account.id}/quarantine?order=desc`), [account.id, version]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const reingest = async (row: QuarantinedEmail) => {
    setBusy(row.id);
    setNotice(null);
    try {
      const answer = await post<ReingestAnswer>(`/quarantine/${row.id}/reingest`);
      setError(null);
      setNotice(
        'state' in answer
          ? `Email ${row.uid} is being ingested again; refresh in a moment.`
          : answer.interactionId !== null
            ? `Email ${row.uid} ingested again: interaction #${answer.interactionId} (${answer.outcome}).`
            : `Email ${row.uid} ingested again: ${answer.outcome}.`,
      );
      setVersion((value) => value + 1);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="quarantine-title">
      <h3 id="quarantine-title">Quarantined emails of {account.key}</h3>
      <p class="muted">
        Emails the watcher could not take (too large, unreadable) wait here with the reason; nothing is lost. Re-ingest takes one in with
        the limits waived and routes it like a new email.
      </p>
      <ErrorText error={error ?? rows.error} />
      {notice && <Notice>{notice}</Notice>}
      <table class="quarantine">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Reason</th>
            <th scope="col">Size</th>
            <th scope="col">Quarantined</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.data?.map((row) => (
            <tr key={row.id} data-quarantine-id={row.id}>
              <td>
                {row.mailbox} UID {row.uid}
              </td>
              <td>{row.reason}</td>
              <td>{row.sizeBytes === null ? '' : formatBytes(row.sizeBytes)}</td>
              <td>
                <RelativeTime value={row.createdAt} />
                {row.reingestedAt && (
                  <>
                    {' '}
                    · re-ingested <RelativeTime value={row.reingestedAt} />
                  </>
                )}
              </td>
              <td class="actions">
                {row.rawSha256 && (
                  <button
                    type="button"
                    class="small"
                    onClick={() => download('GET', `/quarantine/${row.id}/raw`, `quarantined-${row.id}.eml`).catch(setError)}
                  >
                    Download .eml<span class="sr-only"> of email {row.uid}</span>
                  </button>
                )}
                <button type="button" class="small" disabled={busy !== null} onClick={() => void reingest(row)}>
                  {busy === row.id ? 'Re-ingesting…' : row.reingestedAt ? 'Re-ingest again' : 'Re-ingest'}
                  <span class="sr-only"> email {row.uid}</span>
                </button>
              </td>
            </tr>
          ))}
          {rows.data?.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No quarantined emails.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

export function Mailboxes() {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const [accountId, setAccountId] = useState<number | null>(null);
  useEffect(() => {
    if (accountId === null && accounts.data?.[0]) setAccountId(accounts.data[0].id);
  }, [accounts.data]);
  const account = accounts.data?.find((candidate) => candidate.id === accountId);
  return (
    <section aria-labelledby="mailboxes-title">
      <h2 id="mailboxes-title">Mailboxes</h2>
      <AccountPicker accounts={accounts.data ?? []} value={accountId} onChange={setAccountId} />
      <ErrorText error={accounts.error} />
      {account && (
        <div key={account.id}>
          <StatePanel account={account} />
          <Quarantine account={account} />
        </div>
      )}
    </section>
  );
}
