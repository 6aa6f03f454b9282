/**
 * Admin: an account's SLA policies. The first policy in the list whose conditions match an interaction (its queue,
 * priority, tags; an empty condition matches any) measures it, in business time of its calendar. Times are typed in
 * minutes (the API keeps seconds); a target left empty is not measured.
 */
import { useState } from 'preact/hooks';
import { del, get, patch, post, put } from '../api';
import type { Calendar, EscalationAction, Queue, SlaPolicy } from '../types';
import { ErrorText, useLoad } from '../ui';
import { SaveForm } from './forms';

type Draft = Omit<SlaPolicy, 'id' | 'position' | 'createdAt' | 'updatedAt'> & { id?: number };
type ActionList = 'warningActions' | 'breachActions';
type Kind = EscalationAction['kind'];

const NEW_POLICY: Draft = {
  name: '',
  calendarId: null,
  matchQueueIds: [],
  matchPriorities: [],
  matchTags: [],
  firstResponseSeconds: 3600,
  nextResponseSeconds: null,
  resolutionSeconds: null,
  warningBeforeSeconds: 600,
  pauseWhileWaitingOnCustomer: false,
  warningActions: [{ kind: 'notify-supervisors' }],
  breachActions: [{ kind: 'notify-supervisors' }],
};

const KINDS: Array<[Kind, string]> = [
  ['notify-supervisors', 'Notify supervisors'],
  ['raise-priority', 'Raise priority'],
  ['requeue', 'Requeue'],
  ['email', 'Email'],
  ['webhook', 'Webhook'],
];

function actionOf(kind: Kind, queues: Queue[]): EscalationAction {
  switch (kind) {
    case 'notify-supervisors':
      return { kind };
    case 'raise-priority':
      return { kind, priority: 10 };
    case 'requeue':
      return { kind, queueId: queues[0]?.id ?? 0 };
    case 'email':
      return { kind, to: '' };
    case 'webhook':
      return { kind, url: 'https://' };
  }
}

/** What the form edits of a saved policy (its position is the list's order; the API sets the times). */
function draftOf({ position: _position, createdAt: _createdAt, updatedAt: _updatedAt, ...draft }: SlaPolicy): Draft {
  return draft;
}

const minutesOf = (seconds: number | null) => (seconds === null ? '' : String(Math.round((seconds / 60) * 100) / 100));
const secondsOf = (minutes: string) => (minutes.trim() === '' ? null : Math.round(Number(minutes) * 60));
const listOf = (text: string) => text.split(/\s*,\s*/).filter((part) => part.trim() !== '');

function MinutesField({ label, value, onChange }: { label: string; value: number | null; onChange: (seconds: number | null) => void }) {
  return (
    <label>
      {label}
      <input
        type="number"
        min="0"
        step="any"
        value={minutesOf(value)}
        onInput={(event) => onChange(secondsOf(event.currentTarget.value))}
      />
    </label>
  );
}

function ActionsEditor({
  legend,
  actions,
  queues,
  onChange,
}: {
  legend: string;
  actions: EscalationAction[];
  queues: Queue[];
  onChange: (actions: EscalationAction[]) => void;
}) {
  const update = (index: number, action: EscalationAction) => onChange(actions.map((item, at) => (at === index ? action : item)));
  return (
    <fieldset class="sla-actions">
      <legend>{legend}</legend>
      {actions.length === 0 && <p class="muted">No actions.</p>}
      {actions.map((action, index) => {
        const which = `${legend} ${index + 1}`;
        return (
          <div key={index} class="sla-action" role="group" aria-label={which}>
            <select
              aria-label={`${which} kind`}
              value={action.kind}
              onChange={(event) => update(index, actionOf(event.currentTarget.value as Kind, queues))}
            >
              {KINDS.map(([kind, label]) => (
                <option key={kind} value={kind}>
                  {label}
                </option>
              ))}
            </select>
            {action.kind === 'raise-priority' && (
              <input
                type="number"
                min="1"
                max="100"
                aria-label={`${which} priority`}
                value={action.priority}
                onInput={(event) => update(index, { ...action, priority: Number(event.currentTarget.value) })}
              />
            )}
            {action.kind === 'requeue' && (
              <select
                aria-label={`${which} queue`}
                value={String(action.queueId)}
                onChange={(event) => update(index, { ...action, queueId: Number(event.currentTarget.value) })}
              >
                {queues.map((queue) => (
                  <option key={queue.id} value={String(queue.id)}>
                    {queue.name}
                  </option>
                ))}
              </select>
            )}
            {action.kind === 'email' && (
              <input
                type="email"
                required
                aria-label={`${which} address`}
                placeholder="lead@example.com"
                value={action.to}
                onInput={(event) => update(index, { ...action, to: event.currentTarget.value })}
              />
            )}
            {action.kind === 'webhook' && (
              <input
                type="url"
                required
                aria-label={`${which} URL`}
                value={action.url}
                onInput={(event) => update(index, { ...action, url: event.currentTarget.value })}
              />
            )}
            <button
              type="button"
              class="small"
              aria-label={`Remove ${which}`}
              onClick={() => onChange(actions.filter((_, at) => at !== index))}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button type="button" class="small" onClick={() => onChange([...actions, { kind: 'notify-supervisors' }])}>
        Add an action
      </button>
    </fieldset>
  );
}

function PolicyForm({
  accountId,
  initial,
  calendars,
  queues,
  onSaved,
}: {
  accountId: number;
  initial: Draft;
  calendars: Calendar[];
  queues: Queue[];
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [savedName, setSavedName] = useState(initial.name);
  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const title = draft.id ? `SLA policy ${savedName}` : 'New SLA policy';
  return (
    <SaveForm
      class="sla-form"
      label={title}
      submitLabel="Save SLA policy"
      onSave={async () => {
        const { id, ...body } = draft;
        const saved = id
          ? await patch<SlaPolicy>(`/accounts/${accountId}/sla-policies/${id}`, body)
          : await post<SlaPolicy>(`/accounts/${accountId}/sla-policies`, body);
        setDraft({ ...draft, id: saved.id });
        setSavedName(saved.name);
        onSaved();
      }}
    >
      <h4>{title}</h4>
      <div class="two-columns">
        <label>
          Name
          <input type="text" value={draft.name} required maxLength={100} onInput={(event) => set({ name: event.currentTarget.value })} />
        </label>
        <label>
          Business hours
          <select
            value={draft.calendarId === null ? '' : String(draft.calendarId)}
            onChange={(event) => set({ calendarId: event.currentTarget.value === '' ? null : Number(event.currentTarget.value) })}
          >
            <option value="">Around the clock</option>
            {calendars.map((calendar) => (
              <option key={calendar.id} value={String(calendar.id)}>
                {calendar.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset>
        <legend>Applies to (empty: any)</legend>
        <div class="two-columns">
          <fieldset>
            <legend>Queues</legend>
            {queues.length === 0 && <p class="muted">The account has no queues.</p>}
            {queues.map((queue) => (
              <label key={queue.id} class="inline">
                <input
                  type="checkbox"
                  checked={draft.matchQueueIds.includes(queue.id)}
                  onChange={(event) =>
                    set({
                      matchQueueIds: event.currentTarget.checked
                        ? [...draft.matchQueueIds, queue.id]
                        : draft.matchQueueIds.filter((id) => id !== queue.id),
                    })
                  }
                />
                {queue.name}
              </label>
            ))}
          </fieldset>
          <div>
            <label>
              Priorities (comma-separated)
              <input
                type="text"
                inputMode="numeric"
                pattern="\s*\d+(\s*,\s*\d+)*\s*|"
                value={draft.matchPriorities.join(', ')}
                onChange={(event) => set({ matchPriorities: listOf(event.currentTarget.value).map(Number) })}
              />
            </label>
            <label>
              Tags (comma-separated, any of them)
              <input
                type="text"
                value={draft.matchTags.join(', ')}
                onChange={(event) => set({ matchTags: listOf(event.currentTarget.value) })}
              />
            </label>
          </div>
        </div>
      </fieldset>
      <fieldset>
        <legend>Targets in minutes of business time (empty: not measured)</legend>
        <div class="two-columns">
          <MinutesField
            label="First response"
            value={draft.firstResponseSeconds}
            onChange={(firstResponseSeconds) => set({ firstResponseSeconds })}
          />
          <MinutesField
            label="Next response"
            value={draft.nextResponseSeconds}
            onChange={(nextResponseSeconds) => set({ nextResponseSeconds })}
          />
          <MinutesField label="Resolution" value={draft.resolutionSeconds} onChange={(resolutionSeconds) => set({ resolutionSeconds })} />
          <MinutesField
            label="Warn this long before"
            value={draft.warningBeforeSeconds}
            onChange={(warningBeforeSeconds) => set({ warningBeforeSeconds: warningBeforeSeconds ?? 0 })}
          />
        </div>
        <label class="inline">
          <input
            type="checkbox"
            checked={draft.pauseWhileWaitingOnCustomer}
            onChange={(event) => set({ pauseWhileWaitingOnCustomer: event.currentTarget.checked })}
          />
          Pause the clock while waiting on the customer
        </label>
      </fieldset>
      {(['warningActions', 'breachActions'] as ActionList[]).map((list) => (
        <ActionsEditor
          key={list}
          legend={list === 'warningActions' ? 'Warning actions' : 'Breach actions'}
          actions={draft[list]}
          queues={queues}
          onChange={(actions) => set({ [list]: actions })}
        />
      ))}
    </SaveForm>
  );
}

/** The SLA policies of one account, in its admin page. */
export function SlaPolicies({ accountId }: { accountId: number }) {
  const list = useLoad(() => get<{ items: SlaPolicy[] }>(`/accounts/${accountId}/sla-policies?limit=200`), [accountId]);
  const calendars = useLoad(() => get<{ items: Calendar[] }>(`/accounts/${accountId}/calendars?limit=100`), [accountId]);
  const queues = useLoad(() => get<{ items: Queue[] }>(`/accounts/${accountId}/queues`), [accountId]);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const policies = list.data?.items ?? [];
  const open = (draft: Draft) => {
    setEditing(draft);
    setVersion(version + 1);
  };
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const move = (index: number, by: number) => {
    const ids = policies.map((policy) => policy.id);
    [ids[index], ids[index + by]] = [ids[index + by]!, ids[index]!];
    return act(() => put(`/accounts/${accountId}/sla-policies/order`, { policyIds: ids }));
  };
  return (
    <section class="sla-policies" aria-labelledby={`sla-policies-${accountId}`}>
      <h3 id={`sla-policies-${accountId}`}>SLA policies</h3>
      <p class="muted">The first policy that matches an interaction measures it.</p>
      {list.data && policies.length === 0 && <p class="muted">No SLA policies yet.</p>}
      <ol class="sla-list">
        {policies.map((policy, index) => (
          <li key={policy.id}>
            <span>{policy.name}</span>
            <button
              type="button"
              class="small"
              aria-label={`Move ${policy.name} up`}
              disabled={index === 0}
              onClick={() => move(index, -1)}
            >
              Up
            </button>
            <button
              type="button"
              class="small"
              aria-label={`Move ${policy.name} down`}
              disabled={index === policies.length - 1}
              onClick={() => move(index, 1)}
            >
              Down
            </button>
            <button type="button" class="small" aria-label={`Edit SLA policy ${policy.name}`} onClick={() => open(draftOf(policy))}>
              Edit
            </button>
            <button
              type="button"
              class="small danger"
              aria-label={`Delete SLA policy ${policy.name}`}
              onClick={() => {
                if (!confirm(`Delete the SLA policy ${policy.name}?`)) return;
                if (editing?.id === policy.id) setEditing(null);
                void act(() => del(`/accounts/${accountId}/sla-policies/${policy.id}`));
              }}
            >
              Delete
            </button>
          </li>
        ))}
      </ol>
      <ErrorText error={error ?? list.error ?? calendars.error ?? queues.error} />
      <button type="button" onClick={() => open({ ...NEW_POLICY })}>
        New SLA policy
      </button>
      {editing && (
        <PolicyForm
          key={version}
          accountId={accountId}
          initial={editing}
          calendars={calendars.data?.items ?? []}
          queues={queues.data?.items ?? []}
          onSaved={() => list.reload()}
        />
      )}
    </section>
  );
}
