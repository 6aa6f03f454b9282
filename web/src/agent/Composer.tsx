/**
 * Reply and forward: a rich-text editor (loaded on demand; plain text at the agent's choice), canned answers (the
 * account's blended list: global + the account's own, searchable) inserted at the cursor as editable text, the
 * assistant's suggestion, attachments, Ctrl+Enter to send. The words are kept as a draft in this browser until sent.
 * The account's body template is applied by the server.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { renderTemplate } from '../../../domain/templates';
import { fileToAttachment, get, listAll, post } from '../api';
import { capabilities } from '../capabilities';
import { loadDraft, saveDraft } from '../drafts';
import type { Account, CannedAnswer, InteractionDetail, User } from '../types';
import { ErrorText, formatBytes, Notice, useLoad } from '../ui';
import type { EditorHandle, RichEditor as RichEditorComponent } from './editor/RichEditor';
import { textToHtml } from './editor/html';

function requestId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function parseAddresses(value: string): Array<{ address: string; name?: string }> {
  return value
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(.*?)\s*<([^>]+)>$/.exec(part);
      return match ? { address: match[2]!.trim(), ...(match[1] ? { name: match[1].replace(/^"|"$/g, '') } : {}) } : { address: part };
    });
}

/** Recipients as the agent reads and edits them: `Name <address>, other@example.com`. */
export function formatAddresses(list: Array<{ address: string; name?: string }>): string {
  return list.map((entry) => (entry.name ? `${entry.name} <${entry.address}>` : entry.address)).join(', ');
}

type Recipients = { to: Array<{ address: string; name?: string }>; cc: Array<{ address: string; name?: string }> };

/** What is being written, as kept in the draft: the words in both forms and, on a forward, its fields. */
interface ComposerDraft {
  /** Kept with the words: sending again after a reload can never send twice. */
  requestId: string;
  format: 'rich' | 'plain';
  html: string;
  text: string;
  to: string;
  cc: string;
  /** Delivered, never named in the email. */
  bcc?: string;
  /** A reply to everyone the customer wrote to (To and Cc filled from their message, editable). */
  replyAll?: boolean;
  includePrevious: boolean;
}

/** Ctrl+Enter (Cmd+Enter) sends from anywhere in the form. */
function submitOnCtrlEnter(event: KeyboardEvent & { currentTarget: HTMLFormElement }): void {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey) {
    event.preventDefault();
    event.currentTarget.requestSubmit();
  }
}

const usedSuggestions = new Set<number>();

let editorModule: Promise<typeof RichEditorComponent> | null = null;
/** The editor is its own chunk: the desk's first load does not carry it. */
function loadEditor(): Promise<typeof RichEditorComponent> {
  editorModule ??= import('./editor/RichEditor').then((module) => module.RichEditor);
  return editorModule;
}

type ComposerProps = {
  mode: 'reply' | 'forward';
  interaction: InteractionDetail;
  account: Account | undefined;
  user: User;
  suggested: { title: string; text: string; cannedAnswerId?: number; at: number } | null;
  onSent: () => void;
};

/** One composer per interaction: its draft never follows the agent to another interaction. */
export function Composer(props: ComposerProps) {
  return <ComposerForm key={props.interaction.id} {...props} />;
}

function ComposerForm({ mode, interaction, account, user, suggested, onSent }: ComposerProps) {
  const cannedAnswers = useLoad(() => listAll<CannedAnswer>(`/accounts/${interaction.accountId}/canned-answers`), [interaction.accountId]);
  const accepts = useLoad(() => capabilities(), []);
  const [search, setSearch] = useState('');
  const fresh = (): ComposerDraft => ({
    requestId: requestId(),
    format: 'rich',
    html: '',
    text: '',
    to: '',
    cc: '',
    bcc: '',
    replyAll: false,
    includePrevious: account?.includeMessageOnForward === true,
  });
  const [restored, setRestored] = useState(() => loadDraft<ComposerDraft>(mode, interaction.id));
  const [draft, setDraft] = useState<ComposerDraft>(() => ({ ...fresh(), ...restored }));
  /** Every change is kept at once (not after the next paint): a reload right after a keystroke keeps it. */
  const keep = (next: ComposerDraft) => {
    // A reply's To is filled in for the agent: it alone is no draft.
    const hasWords =
      next.text.trim() !== '' || (mode === 'forward' && next.to.trim() !== '') || next.cc.trim() !== '' || (next.bcc ?? '').trim() !== '';
    saveDraft(mode, interaction.id, hasWords ? next : null);
    return next;
  };
  const update = (change: Partial<ComposerDraft>) => {
    setDraft((current) => keep({ ...current, ...change }));
    setSent(false);
  };
  const [files, setFiles] = useState<File[]>([]);
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [Editor, setEditor] = useState<typeof RichEditorComponent | null>(null);
  const [editorFailed, setEditorFailed] = useState(false);
  /** A new editor (its content set from the draft) after a send, a discard or a switch back from plain text. */
  const [editorKey, setEditorKey] = useState(0);
  const editor = useRef<EditorHandle | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    loadEditor().then(
      (component) => setEditor(() => component),
      () => setEditorFailed(true),
    );
  }, []);

  // Who a reply goes to by default, and with reply all: filled in, and the agent edits them.
  const recipients = useLoad(
    () =>
      mode === 'reply'
        ? get<{ reply: Recipients; replyAll: Recipients }>(`/interactions/${interaction.id}/reply-recipients`)
        : Promise.resolve(undefined),
    [interaction.id, mode],
  );
  const [copiesOpen, setCopiesOpen] = useState(() => Boolean(draft.cc || draft.bcc));
  useEffect(() => {
    if (mode === 'reply' && recipients.data && draft.to.trim() === '')
      setDraft((current) => ({ ...current, to: formatAddresses(recipients.data!.reply.to) }));
  }, [recipients.data]);
  const chooseReplyAll = (all: boolean) => {
    const chosen = recipients.data?.[all ? 'replyAll' : 'reply'];
    update({ replyAll: all, ...(chosen ? { to: formatAddresses(chosen.to), cc: formatAddresses(chosen.cc) } : {}) });
    if (all && chosen && chosen.cc.length > 0) setCopiesOpen(true);
  };

  const plain = draft.format === 'plain' || editorFailed;
  const fields = mode === 'reply' ? accepts.data?.replyFields : accepts.data?.forwardFields;
  const templateData = {
    subject: interaction.subject,
    customer: { name: interaction.customerName ?? '', email: interaction.customerEmail },
    agent: { name: user.name, email: user.email },
    interaction: { id: interaction.id, subject: interaction.subject },
    account: { key: account?.key ?? '', name: account?.name ?? '', email: account?.emailAddress ?? '' },
  };
  const customerMessage = [...interaction.messages].reverse().find((message) => message.direction === 'inbound' && message.text);
  const quote = customerMessage
    ? {
        heading: `${customerMessage.fromName || customerMessage.fromAddress || interaction.customerEmail} wrote:`,
        text: customerMessage.text!.trim(),
      }
    : null;

  /** Words (a canned answer, a suggestion) go where the cursor is, as text the agent can edit. */
  const insert = (text: string) => {
    setSent(false);
    if (!plain && editor.current) return editor.current.insertText(text);
    const box = textarea.current;
    if (plain && box) {
      box.focus();
      box.setRangeText(text, box.selectionStart, box.selectionEnd, 'end');
      return update({ text: box.value });
    }
    // The editor is still loading: the words join the end of the draft it will open with.
    update({ text: `${draft.text}${text}`, html: `${draft.html}${textToHtml(text)}` });
    setEditorKey((value) => value + 1);
  };
  const insertQuote = () => {
    if (!quote) return;
    const quoted = `${quote.heading}\n${quote.text.replace(/^/gm, '> ')}\n`;
    insert(quoted);
  };

  useEffect(() => {
    // Each suggestion is inserted once, though the composer opens again (another tab) while it is the latest.
    if (!suggested || usedSuggestions.has(suggested.at)) return;
    usedSuggestions.add(suggested.at);
    insert(renderTemplate(suggested.text, templateData));
  }, [suggested?.at]);

  const matching = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (cannedAnswers.data ?? []).filter(
      (answer) => !needle || answer.name.toLowerCase().includes(needle) || answer.body.toLowerCase().includes(needle),
    );
  }, [cannedAnswers.data, search]);

  const canAttach = fields?.has('attachments') === true;
  const forwardMissing = mode === 'forward' && accepts.data && !accepts.data.forward;
  const bodyTemplate = account?.bodyTemplate;
  const labelId = `composer-${mode}-label`;
  const label = mode === 'reply' ? `Reply to ${interaction.customerEmail}` : 'Message';

  return (
    <form
      class="composer"
      aria-label={mode === 'reply' ? 'Reply' : 'Forward'}
      onKeyDown={submitOnCtrlEnter}
      onSubmit={async (event) => {
        event.preventDefault();
        if (sending) return;
        if (draft.text.trim() === '') return setError(new Error(`Write the ${mode === 'reply' ? 'reply' : 'message'} before sending.`));
        setSending(true);
        try {
          const attachments = canAttach && files.length > 0 ? await Promise.all(files.map(fileToAttachment)) : undefined;
          const words = {
            text: draft.text,
            ...(!plain && fields?.has('html') !== false ? { html: draft.html } : {}),
            requestId: draft.requestId,
            ...(attachments ? { attachments } : {}),
          };
          const bcc = (draft.bcc ?? '').trim() ? { bcc: parseAddresses(draft.bcc!) } : {};
          if (mode === 'reply') {
            await post(`/interactions/${interaction.id}/reply`, {
              ...words,
              ...(draft.replyAll ? { replyAll: true } : {}),
              ...(draft.to.trim() ? { to: parseAddresses(draft.to) } : {}),
              cc: parseAddresses(draft.cc),
              ...bcc,
            });
          } else {
            await post(`/interactions/${interaction.id}/forward`, {
              to: parseAddresses(draft.to),
              ...(draft.cc.trim() ? { cc: parseAddresses(draft.cc) } : {}),
              ...bcc,
              ...words,
              ...(fields?.has('includePreviousMessage') ? { includePreviousMessage: draft.includePrevious } : {}),
            });
          }
          setDraft(keep({ ...fresh(), format: draft.format }));
          setEditorKey((value) => value + 1);
          setRestored(null);
          setFiles([]);
          setSent(true);
          setError(null);
          onSent();
        } catch (failure) {
          setError(failure);
        } finally {
          setSending(false);
        }
      }}
    >
      {forwardMissing && <Notice>This server does not offer forwarding yet.</Notice>}
      {restored && (
        <Notice>
          Draft restored.{' '}
          <button
            type="button"
            class="small"
            onClick={() => {
              setDraft(keep({ ...fresh(), format: draft.format }));
              setEditorKey((value) => value + 1);
              setRestored(null);
            }}
          >
            Discard draft
          </button>
        </Notice>
      )}
      {mode === 'reply' && (
        <div class="reply-kind" role="group" aria-label="Reply to">
          <button type="button" class="small" aria-pressed={!draft.replyAll} onClick={() => chooseReplyAll(false)}>
            Reply
          </button>
          <button type="button" class="small" aria-pressed={Boolean(draft.replyAll)} onClick={() => chooseReplyAll(true)}>
            Reply all
          </button>
        </div>
      )}
      <label>
        To
        <input
          type="text"
          required
          value={draft.to}
          placeholder="name@example.com, Other <other@example.com>"
          onInput={(e) => update({ to: e.currentTarget.value })}
        />
      </label>
      {copiesOpen ? (
        <>
          <label>
            Cc
            <input type="text" value={draft.cc} onInput={(e) => update({ cc: e.currentTarget.value })} />
          </label>
          <label>
            Bcc
            <input type="text" value={draft.bcc ?? ''} onInput={(e) => update({ bcc: e.currentTarget.value })} />
          </label>
        </>
      ) : (
        <button type="button" class="link" onClick={() => setCopiesOpen(true)}>
          Cc/Bcc
        </button>
      )}
      <ErrorText error={recipients.error} />
      {mode === 'forward' && (
        <>
          <label class="inline">
            <input type="checkbox" checked={draft.includePrevious} onChange={(e) => update({ includePrevious: e.currentTarget.checked })} />
            Include the previous message
          </label>
        </>
      )}
      <details class="canned" open>
        <summary>Canned answers ({cannedAnswers.data?.length ?? 0})</summary>
        <label>
          Search canned answers
          <input type="search" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
        </label>
        <ul class="canned-list" aria-label="Canned answers">
          {matching.map((answer) => (
            <li key={answer.id}>
              <button
                type="button"
                class="link"
                // The cursor stays in the text: the answer goes where the agent was writing.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => insert(renderTemplate(answer.body, templateData))}
                title={answer.body}
              >
                {answer.name}
              </button>
              <span class="badge">{answer.accountId === null ? 'global' : (account?.key ?? 'account')}</span>
            </li>
          ))}
          {cannedAnswers.data && matching.length === 0 && <li class="muted">No canned answer matches.</li>}
        </ul>
        <ErrorText error={cannedAnswers.error} />
      </details>
      <div class="composer-words">
        <div class="composer-words-head">
          <span id={labelId} class="label">
            {label}
          </span>
          {!editorFailed && (
            <button
              type="button"
              class="small"
              aria-pressed={plain}
              onClick={() => {
                if (plain) {
                  update({ format: 'rich', html: textToHtml(draft.text) });
                  setEditorKey((value) => value + 1);
                } else update({ format: 'plain' });
              }}
            >
              Plain text
            </button>
          )}
        </div>
        {plain ? (
          <>
            {quote && (
              <button type="button" class="small" onClick={insertQuote}>
                Quote customer's message
              </button>
            )}
            <textarea
              ref={textarea}
              name="text"
              rows={8}
              aria-labelledby={labelId}
              value={draft.text}
              onInput={(event) => update({ text: event.currentTarget.value })}
            />
          </>
        ) : Editor ? (
          <Editor
            key={editorKey}
            labelledBy={labelId}
            initialHtml={draft.html}
            handle={editor}
            quote={quote}
            onChange={(html, text) => update({ html, text })}
          />
        ) : (
          <p class="muted">Loading the editor…</p>
        )}
      </div>
      {bodyTemplate?.text && <p class="muted">Sent with the account's template (signature: “{bodyTemplate.text.slice(0, 80)}”).</p>}
      <label>
        Attachments
        <input
          type="file"
          multiple
          disabled={!canAttach}
          onChange={(event) => setFiles([...files, ...Array.from(event.currentTarget.files ?? [])])}
        />
      </label>
      {!canAttach && accepts.data && (
        <p class="muted">This server does not take attachments on {mode === 'reply' ? 'replies' : 'forwards'} yet.</p>
      )}
      {files.length > 0 && (
        <ul class="attachments" aria-label="Files to send">
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`}>
              {file.name} ({formatBytes(file.size)})
              <button
                type="button"
                class="small"
                aria-label={`Remove ${file.name}`}
                onClick={() => setFiles(files.filter((_, other) => other !== index))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="submit" class="primary" disabled={sending || Boolean(forwardMissing)} aria-keyshortcuts="Control+Enter Meta+Enter">
        {mode === 'reply' ? 'Send reply' : 'Forward'}
      </button>
      {sent && <Notice>{mode === 'reply' ? 'Reply sent.' : 'Forwarded.'}</Notice>}
      <ErrorText error={error} />
    </form>
  );
}
