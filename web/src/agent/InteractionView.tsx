/**
 * One interaction on the agent desk: the thread, reply and forward (canned answers, attachments),
 * internal notes, the assistant's suggestions, transfer, close with a disposition, and emails whose delivery is
 * unknown to settle. Beside the thread, the customer; above it, a bar that stays on screen with where the
 * interaction is, how long the customer has waited and the close controls. A customer message arriving while it is
 * open is marked and scrolled into view. While a transfer waits, it is read-only.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, put } from '../api';
import { NoteForm } from '../NoteForm';
import { Thread } from '../Thread';
import { UncertainSends } from '../UncertainSends';
import { interactionStateLabel, isHeldState } from '../labels';
import type { Account, InteractionDetail, User } from '../types';
import { ErrorText, formatDate, formatWaiting, onTabListKeyDown, useLoad, useNow } from '../ui';
import { ClosePanel } from './ClosePanel';
import { Composer } from './Composer';
import { CustomerPanel } from './CustomerPanel';
import { focusSoon, useInteractionCommands } from './shortcuts';
import { Suggestions } from './Suggestions';
import { TagsPriority } from './TagsPriority';
import { TransferPanel, TransferPending } from './TransferPanel';

export function InteractionView({
  interactionId,
  accounts,
  user,
  version,
  focusOnOpen = false,
  onChanged,
  onClosed,
}: {
  interactionId: number;
  accounts: Account[];
  user: User;
  version: number;
  /** Take the focus once loaded (just accepted): the thread's title, from where the keyboard goes on. */
  focusOnOpen?: boolean;
  onChanged: () => void;
  onClosed: () => void;
}) {
  const [localVersion, setLocalVersion] = useState(0);
  const detail = useLoad(() => get<InteractionDetail>(`/interactions/${interactionId}`), [interactionId, version, localVersion]);
  const [tool, setTool] = useState<'reply' | 'forward' | 'note' | 'transfer'>('reply');
  const [markError, setMarkError] = useState<unknown>(null);
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
  const view = useRef<HTMLElement>(null);
  const loaded = detail.data !== undefined;
  useEffect(() => {
    if (focusOnOpen && loaded) focusSoon(() => view.current, ['#interaction-title']);
  }, [focusOnOpen, loaded]);
  useInteractionCommands((command) => {
    if (!view.current?.querySelector('.interaction-tools')) return;
    if (command === 'close') return focusSoon(() => view.current, ['.close-panel select', '.close-panel button']);
    if (command !== 'reply' && command !== 'forward' && command !== 'note' && command !== 'transfer') return;
    setTool(command);
    // The words of a reply, forward or note (never the canned answers' search beside them); a transfer's first choice.
    const panel = '.interaction-tools [role="tabpanel"]';
    focusSoon(
      () => view.current,
      command === 'transfer' ? [`${panel} input, ${panel} select`] : [`${panel} [contenteditable="true"]`, `${panel} textarea`],
    );
  });
  const now = useNow(1000);
  const threadBox = useRef<HTMLDivElement>(null);
  const arrived = useNewCustomerMessage(detail.data, threadBox);
  const interaction = detail.data;
  if (!interaction) return detail.error ? <ErrorText error={detail.error} /> : <p class="muted">Loading…</p>;
  const account = accounts.find((candidate) => candidate.id === interaction.accountId);
  const mine = interaction.status === 'open' && interaction.agentId === user.id;
  // Passed on by transfer (offered to someone else, still naming this agent until accepted): read-only.
  const held = mine && isHeldState(interaction.routingState);
  const transferring = mine && !held && interaction.events.some((event) => event.type === 'transfer-started');
  const waitingSince = customerWaitingSince(interaction);
  const handover = handoverNote(interaction, user.id);
  return (
    <article class="interaction" aria-labelledby="interaction-title" ref={view}>
      <header class="interaction-header">
        <div class="interaction-title">
          <span class="account-name">{account?.name ?? interaction.accountId}</span>
          <h2 id="interaction-title" tabIndex={-1} dir="auto">
            {interaction.subject || '(no subject)'}
          </h2>
        </div>
        <div class="interaction-bar">
          <p class="interaction-state">
            <span class="muted">#{interaction.id}</span> · {interactionStateLabel(interaction, { youId: user.id })}
            {waitingSince && (
              <>
                {' · '}
                <span class="waiting" title={`Since ${formatDate(waitingSince)}`} data-testid="customer-waiting">
                  Customer waiting {formatWaiting(waitingSince, now)}
                </span>
              </>
            )}
          </p>
          {arrived !== null && (
            <p class="new-message-status" role="status">
              New message from the customer{' '}
              <button type="button" class="small" onClick={() => scrollToNewest(threadBox.current)}>
                Show
              </button>
            </p>
          )}
          {mine && (
            <button
              type="button"
              class="small"
              onClick={() =>
                // Marked unread, it leaves the screen as a closed one does (opening it again would read it).
                void put(`/interactions/${interaction.id}/read`, { read: !interaction.read }).then(
                  interaction.read ? onClosed : refresh,
                  setMarkError,
                )
              }
            >
              {interaction.read ? 'Mark unread' : 'Mark read'}
            </button>
          )}
          <ErrorText error={markError} />
          {held && <ClosePanel interaction={interaction} account={account} onClosed={onClosed} />}
        </div>
      </header>
      {transferring && <TransferPending interaction={interaction} />}
      {handover && (
        <div class="handover-note" role="note" aria-label="Handover note">
          <strong>Handover note{handover.authorName ? ` from ${handover.authorName}` : ''}:</strong> <span dir="auto">{handover.text}</span>
        </div>
      )}
      <UncertainSends interaction={interaction} onSettled={refresh} />
      <div class="interaction-body">
        <div class="interaction-thread" ref={threadBox}>
          <Thread messages={interaction.messages} authors={new Map([[user.id, user.name]])} />
        </div>
        <div class="interaction-side">
          <CustomerPanel interactionId={interaction.id} userId={user.id} role={user.role} />
          <TagsPriority interaction={interaction} />
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
            </aside>
          )}
        </div>
      </div>
    </article>
  );
}

/** Since when the customer waits for an answer: their newest message, when nothing was sent after it. */
function customerWaitingSince(interaction: InteractionDetail): string | null {
  if (interaction.status !== 'open') return null;
  const last = [...interaction.messages].reverse().find((message) => message.direction !== 'note');
  return last?.direction === 'inbound' ? last.receivedAt : null;
}

/** The newest handover note of a transfer (another agent's): what the one who passed it on wants the next to know. */
function handoverNote(interaction: InteractionDetail, userId: number): { text: string; authorName: string | null } | null {
  const event = [...interaction.events]
    .reverse()
    .find((candidate) => candidate.type === 'note-added' && candidate.detail.handover === true);
  if (!event || event.detail.authorId === userId) return null;
  const note = interaction.messages.find((message) => message.id === event.detail.noteId);
  if (!note?.text) return null;
  return { text: note.text, authorName: typeof event.detail.authorName === 'string' ? event.detail.authorName : null };
}

function scrollToNewest(thread: HTMLElement | null): void {
  const messages = thread?.querySelectorAll<HTMLElement>('.message.inbound');
  const newest = messages?.[messages.length - 1];
  if (!newest) return;
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  newest.scrollIntoView({ block: 'center', behavior: reduced ? 'auto' : 'smooth' });
}

/**
 * A customer message that arrives while the interaction is open (not the ones there when it opened): its id, marked
 * on the thread ("New message") and scrolled into view.
 */
function useNewCustomerMessage(interaction: InteractionDetail | undefined, thread: { current: HTMLElement | null }): number | null {
  const newestId = interaction
    ? Math.max(0, ...interaction.messages.filter((message) => message.direction === 'inbound').map((message) => message.id))
    : null;
  const seen = useRef<number | null>(null);
  const [arrived, setArrived] = useState<number | null>(null);
  useEffect(() => {
    if (newestId === null) return;
    const before = seen.current;
    seen.current = newestId;
    if (before !== null && newestId > before) setArrived(newestId);
  }, [newestId]);
  useEffect(() => {
    if (arrived === null) return;
    const messages = thread.current?.querySelectorAll<HTMLElement>('.message.inbound');
    const newest = messages?.[messages.length - 1];
    if (!newest) return;
    thread.current?.querySelectorAll('.message[data-new]').forEach((element) => element.removeAttribute('data-new'));
    // Set on the rendered element: the thread is shared with the supervisor's view, which marks nothing.
    newest.setAttribute('data-new', 'true');
    scrollToNewest(thread.current);
  }, [arrived]);
  return arrived;
}
