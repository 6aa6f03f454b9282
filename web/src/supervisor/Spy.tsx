/**
 * Spying on one interaction: its thread and routing history (as sentences; the raw event on hover), tags and priority,
 * internal notes, zip download, the workflow in Temporal's Web UI, and deleting it permanently (after a confirmation).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { del, download, get, post } from '../api';
import { TagsPriority } from '../agent/TagsPriority';
import { NoteForm } from '../NoteForm';
import { capabilities } from '../capabilities';
import { Thread } from '../Thread';
import type { InteractionDetail, User } from '../types';
import { UncertainSends } from '../UncertainSends';
import { interactionStateLabel } from '../labels';
import { ErrorText, Notice, RelativeTime, useLoad } from '../ui';
import { AgentOptions } from './Filters';
import { describeHistory } from './history';
import { RequeueForm } from './RequeueForm';

export function Spy({
  interactionId,
  user,
  users,
  version,
  onClose,
  onChanged,
  onDeleted,
  queues,
  accounts,
  dispositions,
}: {
  interactionId: number;
  user: User;
  users: User[];
  version: number;
  onClose: () => void;
  /** Its tags or priority changed (the list shows them). */
  onChanged: () => void;
  /** It was deleted: the view closes. */
  onDeleted: (id: number) => void;
  /** Names for the routing history's sentences. */
  queues: Map<number, string>;
  accounts: Map<number, string>;
  dispositions: Map<number, string>;
}) {
  const [localVersion, setLocalVersion] = useState(0);
  const detail = useLoad(() => get<InteractionDetail>(`/interactions/${interactionId}`), [interactionId, version, localVersion]);
  const accepts = useLoad(() => capabilities(), []);
  const workflows = useLoad(
    () => get<{ items: Array<{ workflowId: string; url: string | null; current: boolean }> }>(`/interactions/${interactionId}/workflows`),
    [interactionId, version],
  );
  const [agentId, setAgentId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  // Asked to confirm, the focus goes to Cancel: Enter or Space right after cannot delete by mistake.
  const cancelDelete = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirmingDelete) cancelDelete.current?.focus();
  }, [confirmingDelete]);
  const interaction = detail.data;
  const remove = async () => {
    try {
      await del(`/interactions/${interactionId}?confirm=true`);
      onDeleted(interactionId);
    } catch (failure) {
      setError(failure);
      setConfirmingDelete(false);
    }
  };
  // Under the list on a narrow window: brought into view when opened (a wide window shows it beside the list).
  const section = useRef<HTMLElement>(null);
  useEffect(() => section.current?.scrollIntoView?.({ block: 'nearest' }), []);
  const authors = new Map(users.map((person) => [person.id, person.name]));
  authors.set(user.id, user.name);
  return (
    <section class="spy" aria-labelledby="spy-title" ref={section}>
      <header class="spy-header">
        <h2 id="spy-title">
          Interaction #{interactionId}
          {interaction ? `: ${interaction.subject || '(no subject)'}` : ''}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close interaction details">
          ×
        </button>
      </header>
      <ErrorText error={detail.error ?? error} />
      {notice && <Notice>{notice}</Notice>}
      {interaction && (
        <>
          <p class="muted">
            {interaction.customerEmail} ·{' '}
            <span title={`${interaction.status} · ${interaction.routingState}`}>
              {interactionStateLabel(interaction, { agentName: users.find((person) => person.id === interaction.agentId)?.name ?? null })}
            </span>{' '}
            · created <RelativeTime value={interaction.createdAt} />
          </p>
          <div class="actions">
            <button
              type="button"
              onClick={() =>
                download('GET', `/interactions/${interactionId}/download?attachments=true`, `interaction-${interactionId}.zip`).catch(
                  setError,
                )
              }
            >
              Download zip
            </button>
            <button
              type="button"
              onClick={() =>
                download(
                  'GET',
                  `/interactions/${interactionId}/download?attachments=false`,
                  `interaction-${interactionId}-without-attachments.zip`,
                ).catch(setError)
              }
            >
              Download zip without attachments
            </button>
            {workflows.data?.items.length === 0 && <span class="muted">No routing workflow yet</span>}
            {workflows.data?.items.map((workflow, index) =>
              workflow.url ? (
                <a key={workflow.workflowId} href={workflow.url} target="_blank" rel="noreferrer" title={workflow.workflowId}>
                  {index === 0 ? 'Workflow in Temporal Web UI' : `Earlier workflow ${workflow.workflowId}`}
                </a>
              ) : (
                <span key={workflow.workflowId} class="muted">
                  Workflow {workflow.workflowId} (Temporal Web UI not configured)
                </span>
              ),
            )}
          </div>
          <TagsPriority interaction={interaction} onChanged={onChanged} />
          <UncertainSends interaction={interaction} onSettled={() => setLocalVersion((value) => value + 1)} />
          <Thread messages={interaction.messages} authors={authors} />
          <details>
            <summary>Routing history ({interaction.events.length})</summary>
            <ol class="events">
              {describeHistory(interaction.events, { agents: authors, queues, accounts, dispositions }).map((event) => (
                <li key={event.id} data-event-type={event.type}>
                  <RelativeTime value={event.createdAt} />{' '}
                  <span title={`${event.type} ${JSON.stringify(event.detail)}`}>{event.sentence}</span>
                </li>
              ))}
            </ol>
          </details>
          <NoteForm
            interactionId={interactionId}
            label="Internal note (the agent sees it, the customer never does)"
            onAdded={() => setLocalVersion((value) => value + 1)}
            onError={setError}
          />
          {interaction.status === 'open' &&
            (interaction.routingState === 'unassigned' || interaction.routingState === 'ended-without-agent') && (
              <RequeueForm
                interactionId={interactionId}
                accountId={interaction.accountId}
                onError={setError}
                onDone={() => {
                  setNotice('Sent to the queue.');
                  setError(null);
                  setLocalVersion((value) => value + 1);
                }}
              />
            )}
          {accepts.data?.reassign && interaction.status === 'open' && (
            <form
              aria-label="Reassign"
              class="inline-form"
              onSubmit={async (event) => {
                event.preventDefault();
                try {
                  await post(`/interactions/${interactionId}/reassign`, { agentId: Number(agentId) });
                  setNotice('Reassigned.');
                  setError(null);
                  setLocalVersion((value) => value + 1);
                } catch (failure) {
                  setError(failure);
                }
              }}
            >
              <label>
                Reassign to
                <select aria-label="Reassign to" required value={agentId} onChange={(event) => setAgentId(event.currentTarget.value)}>
                  <option value="">Choose…</option>
                  <AgentOptions users={users} />
                </select>
              </label>
              <button type="submit">Reassign</button>
            </form>
          )}
          <div class="danger-zone">
            {confirmingDelete ? (
              <div role="alertdialog" aria-labelledby="delete-question" class="confirm-delete">
                <p id="delete-question">
                  Delete interaction #{interactionId} permanently, with its emails, attachments and history? This cannot be undone.
                </p>
                <button type="button" class="danger" onClick={() => void remove()}>
                  Delete permanently
                </button>
                <button type="button" ref={cancelDelete} onClick={() => setConfirmingDelete(false)}>
                  Cancel
                </button>
              </div>
            ) : (
              <button type="button" class="danger" onClick={() => setConfirmingDelete(true)}>
                Delete interaction
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
