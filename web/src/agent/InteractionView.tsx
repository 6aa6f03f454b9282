/**
 * One interaction on the agent desk: the thread, reply and forward (canned answers, attachments),
 * internal notes, the assistant's suggestions, transfer, and close with a disposition.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, listAll, post } from '../api';
import { Thread } from '../Thread';
import type { Account, Disposition, InteractionDetail, User } from '../types';
import { ErrorText, Notice, onTabListKeyDown, useLoad } from '../ui';
import { Composer } from './Composer';

interface Suggestion {
  kind: 'canned-answer' | 'past-reply';
  id: number;
  title: string;
  text: string;
  score: number;
}

function dispositionLabel(disposition: Disposition, all: Disposition[]): string {
  const names = [disposition.name];
  let parent = all.find((candidate) => candidate.id === disposition.parentId);
  while (parent) {
    names.unshift(parent.name);
    const parentId: number | null = parent.parentId;
    parent = all.find((candidate) => candidate.id === parentId);
  }
  return names.join(' › ');
}

function ClosePanel({
  interaction,
  account,
  onClosed,
}: {
  interaction: InteractionDetail;
  account: Account | undefined;
  onClosed: () => void;
}) {
  const dispositions = useLoad(() => listAll<Disposition>(`/accounts/${interaction.accountId}/dispositions`), [interaction.accountId]);
  const [dispositionId, setDispositionId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [disposing, setDisposing] = useState(interaction.routingState === 'disposing');
  const mandatory = account?.mandatoryDisposition === true || disposing;
  const blocked = mandatory && !dispositionId;
  return (
    <form
      class={`close-panel${disposing ? ' forced' : ''}`}
      aria-label="Close interaction"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          const result = await post<{ state: string }>(
            `/interactions/${interaction.id}/close`,
            dispositionId ? { dispositionId: Number(dispositionId) } : {},
          );
          if (result.state === 'closed') onClosed();
          else setDisposing(true);
          setError(null);
        } catch (failure) {
          setError(failure);
        }
      }}
    >
      {disposing && <Notice>Choose a disposition to finish this interaction.</Notice>}
      <label>
        Disposition{mandatory ? ' (required)' : ''}
        <select
          aria-label={`Disposition${mandatory ? ' (required)' : ''}`}
          name="disposition"
          required={mandatory}
          value={dispositionId}
          onChange={(event) => setDispositionId(event.currentTarget.value)}
          aria-invalid={blocked}
        >
          <option value="">{mandatory ? 'Choose…' : '(none)'}</option>
          {dispositions.data?.map((disposition) => (
            <option key={disposition.id} value={disposition.id}>
              {dispositionLabel(disposition, dispositions.data ?? [])}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={blocked} title={blocked ? 'A disposition is required to close' : undefined}>
        Close interaction
      </button>
      <ErrorText error={error ?? dispositions.error} />
    </form>
  );
}

interface Option {
  id: number;
  name: string;
}

interface TransferTargets {
  enabled: boolean;
  agents: Array<{ id: number; name: string; presence: string }>;
  queues: Option[];
  accounts: Array<{ id: number; key: string; name: string }>;
}

function TransferPanel({ interaction, onDone }: { interaction: InteractionDetail; onDone: () => void }) {
  const [kind, setKind] = useState<'agent' | 'queue' | 'account'>('queue');
  const [target, setTarget] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  // The API lists the targets the account allows (its agents, its queues, other accounts); ids typed by hand otherwise.
  const options = useLoad<Option[] | null>(async () => {
    try {
      const targets = await get<TransferTargets>(`/interactions/${interaction.id}/transfer-targets`);
      if (kind === 'agent') return targets.agents.map((agent) => ({ id: agent.id, name: `${agent.name} (${agent.presence})` }));
      if (kind === 'queue') return targets.queues;
      return targets.accounts.map((account) => ({ id: account.id, name: `${account.key} · ${account.name}` }));
    } catch {
      return null;
    }
  }, [kind, interaction.id]);
  return (
    <form
      class="transfer-panel"
      aria-label="Transfer"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await post(`/interactions/${interaction.id}/transfer`, { [`${kind}Id`]: Number(target) });
          setDone(true);
          setError(null);
          onDone();
        } catch (failure) {
          setError(failure);
        }
      }}
    >
      <fieldset>
        <legend>Transfer to</legend>
        {(['agent', 'queue', 'account'] as const).map((value) => (
          <label key={value} class="inline">
            <input
              type="radio"
              name="transfer-kind"
              value={value}
              checked={kind === value}
              onChange={() => {
                setKind(value);
                setTarget('');
              }}
            />
            {value}
          </label>
        ))}
      </fieldset>
      {options.data ? (
        <label>
          Target {kind}
          <select aria-label={`Target ${kind}`} required value={target} onChange={(event) => setTarget(event.currentTarget.value)}>
            <option value="">Choose…</option>
            {options.data.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <label>
          Target {kind} id
          <input type="number" min={1} required value={target} onInput={(event) => setTarget(event.currentTarget.value)} />
        </label>
      )}
      <button type="submit">Transfer</button>
      {done && <Notice>Transfer started.</Notice>}
      <ErrorText error={error} />
    </form>
  );
}

function NotePanel({ interactionId, onAdded }: { interactionId: number; onAdded: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      class="note-panel"
      aria-label="Internal note"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await post(`/interactions/${interactionId}/notes`, { text });
          setText('');
          setError(null);
          onAdded();
        } catch (failure) {
          setError(failure);
        }
      }}
    >
      <label>
        Internal note (never sent to the customer)
        <textarea rows={3} required value={text} onInput={(event) => setText(event.currentTarget.value)} />
      </label>
      <button type="submit">Add note</button>
      <ErrorText error={error} />
    </form>
  );
}

export function Suggestions({ interactionId, onUse }: { interactionId: number; onUse: (suggestion: Suggestion) => void }) {
  const suggestions = useLoad(
    () => get<{ assistant: string; suggestions: Suggestion[] }>(`/interactions/${interactionId}/suggestions`),
    [interactionId],
  );
  return (
    <section class="suggestions" aria-labelledby="suggestions-title">
      <h3 id="suggestions-title">Assistant{suggestions.data ? ` (${suggestions.data.assistant})` : ''}</h3>
      <ErrorText error={suggestions.error} />
      {suggestions.data?.suggestions.length === 0 && <p class="muted">No suggestions.</p>}
      <ul>
        {suggestions.data?.suggestions.map((suggestion) => (
          <li key={`${suggestion.kind}-${suggestion.id}`}>
            <span class="badge">{suggestion.kind === 'canned-answer' ? 'Canned answer' : 'Past reply'}</span> {suggestion.title}
            <button type="button" class="small" onClick={() => onUse(suggestion)} aria-label={`Use suggestion ${suggestion.title}`}>
              Use
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function InteractionView({
  interactionId,
  accounts,
  user,
  version,
  onChanged,
  onClosed,
}: {
  interactionId: number;
  accounts: Account[];
  user: User;
  version: number;
  onChanged: () => void;
  onClosed: () => void;
}) {
  const [localVersion, setLocalVersion] = useState(0);
  const detail = useLoad(() => get<InteractionDetail>(`/interactions/${interactionId}`), [interactionId, version, localVersion]);
  const [tool, setTool] = useState<'reply' | 'forward' | 'note' | 'transfer'>('reply');
  const [suggested, setSuggested] = useState<{ title: string; text: string; cannedAnswerId?: number; at: number } | null>(null);
  // Notes by a supervisor arrive without a live event: look again now and then.
  useEffect(() => {
    const timer = setInterval(() => setLocalVersion((value) => value + 1), 15_000);
    return () => clearInterval(timer);
  }, []);
  const refresh = () => {
    setLocalVersion((value) => value + 1);
    onChanged();
  };
  const interaction = detail.data;
  if (!interaction) return detail.error ? <ErrorText error={detail.error} /> : <p class="muted">Loading…</p>;
  const account = accounts.find((candidate) => candidate.id === interaction.accountId);
  const held = interaction.status === 'open' && interaction.agentId === user.id;
  return (
    <article class="interaction" aria-labelledby="interaction-title">
      <header class="interaction-header">
        <span class="account-key">{account?.key ?? interaction.accountId}</span>
        <h2 id="interaction-title">{interaction.subject || '(no subject)'}</h2>
        <span class="muted">
          #{interaction.id} · {interaction.customerName ? `${interaction.customerName} ` : ''}&lt;{interaction.customerEmail}&gt; ·{' '}
          {interaction.status} · {interaction.routingState}
        </span>
      </header>
      <div class="interaction-body">
        <Thread messages={interaction.messages} authors={new Map([[user.id, user.name]])} />
        {held && (
          <aside class="interaction-tools">
            <div role="tablist" aria-label="Actions" class="tool-tabs" onKeyDown={onTabListKeyDown}>
              {(['reply', 'forward', 'note', 'transfer'] as const).map((name) => (
                <button key={name} type="button" role="tab" aria-selected={tool === name} onClick={() => setTool(name)}>
                  {name[0]!.toUpperCase() + name.slice(1)}
                </button>
              ))}
            </div>
            <div role="tabpanel" aria-label={tool}>
              {(tool === 'reply' || tool === 'forward') && (
                <Composer
                  key={tool}
                  mode={tool}
                  interaction={interaction}
                  account={account}
                  user={user}
                  suggested={suggested}
                  onSent={refresh}
                />
              )}
              {tool === 'note' && <NotePanel interactionId={interaction.id} onAdded={refresh} />}
              {tool === 'transfer' && <TransferPanel interaction={interaction} onDone={refresh} />}
            </div>
            <Suggestions
              interactionId={interaction.id}
              onUse={(suggestion) => {
                setTool((current) => (current === 'forward' ? 'forward' : 'reply'));
                setSuggested({
                  title: suggestion.title,
                  text: suggestion.text,
                  ...(suggestion.kind === 'canned-answer' ? { cannedAnswerId: suggestion.id } : {}),
                  at: Date.now(),
                });
              }}
            />
            <ClosePanel interaction={interaction} account={account} onClosed={onClosed} />
          </aside>
        )}
      </div>
    </article>
  );
}
