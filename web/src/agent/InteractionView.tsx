/**
 * One interaction on the agent desk: the thread, reply and forward (canned answers, attachments),
 * internal notes, the assistant's suggestions, transfer, close with a disposition, and emails whose delivery is
 * unknown to settle.
 */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { NoteForm } from '../NoteForm';
import { Thread } from '../Thread';
import { UncertainSends } from '../UncertainSends';
import type { Account, InteractionDetail, User } from '../types';
import { ErrorText, onTabListKeyDown, useLoad } from '../ui';
import { ClosePanel } from './ClosePanel';
import { Composer } from './Composer';
import { Suggestions } from './Suggestions';
import { TransferPanel } from './TransferPanel';

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
      <UncertainSends interaction={interaction} onSettled={refresh} />
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
              {tool === 'note' && (
                <NoteForm
                  class="note-panel"
                  interactionId={interaction.id}
                  label="Internal note (never sent to the customer)"
                  onAdded={refresh}
                />
              )}
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
