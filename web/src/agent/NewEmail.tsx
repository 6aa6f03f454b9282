/**
 * A new email an agent writes to a customer, from an account they work: the same editor, canned answers and
 * attachments as a reply. Once sent it is an interaction the agent holds, opened on the desk; the customer's answer
 * threads to it.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { renderTemplate } from '../../../domain/templates';
import { fileToAttachment, listAll, post } from '../api';
import type { Account, CannedAnswer, User } from '../types';
import { ErrorText, formatBytes, useLoad } from '../ui';
import { parseAddresses } from './Composer';
import type { EditorHandle, RichEditor as RichEditorComponent } from './editor/RichEditor';

function requestId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function NewEmail({
  accounts,
  user,
  onSent,
  onCancel,
}: {
  accounts: Account[];
  user: User;
  onSent: (interactionId: number) => void;
  onCancel: () => void;
}) {
  const [accountId, setAccountId] = useState<number | null>(accounts[0]?.id ?? null);
  const [to, setTo] = useState('');
  const [cc, setCc] = useState('');
  const [bcc, setBcc] = useState('');
  const [copiesOpen, setCopiesOpen] = useState(false);
  const [subject, setSubject] = useState('');
  const [words, setWords] = useState({ html: '', text: '' });
  const [files, setFiles] = useState<File[]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // One request id per email: sending again after a lost answer never sends twice.
  const [id] = useState(requestId);
  const [Editor, setEditor] = useState<typeof RichEditorComponent | null>(null);
  const editor = useRef<EditorHandle | null>(null);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    first.current?.focus();
    import('./editor/RichEditor').then((module) => setEditor(() => module.RichEditor), setError);
  }, []);

  const account = accounts.find((candidate) => candidate.id === accountId);
  const canned = useLoad(
    () => (accountId === null ? Promise.resolve([]) : listAll<CannedAnswer>(`/accounts/${accountId}/canned-answers`)),
    [accountId],
  );
  const recipient = useMemo(() => parseAddresses(to)[0], [to]);
  const templateData = {
    subject,
    customer: { name: recipient?.name ?? '', email: recipient?.address ?? '' },
    agent: { name: user.name, email: user.email },
    interaction: { id: 0, subject },
    account: { key: account?.key ?? '', name: account?.name ?? '', email: account?.emailAddress ?? '' },
  };

  return (
    <form
      class="composer new-email"
      aria-labelledby="new-email-title"
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          event.currentTarget.requestSubmit();
        }
      }}
      onSubmit={async (event) => {
        event.preventDefault();
        if (sending || accountId === null) return;
        if (words.text.trim() === '') return setError(new Error('Write the email before sending.'));
        setSending(true);
        try {
          const attachments = files.length > 0 ? await Promise.all(files.map(fileToAttachment)) : [];
          const sent = await post<{ interactionId: number }>('/interactions', {
            accountId,
            to: parseAddresses(to),
            cc: parseAddresses(cc),
            bcc: parseAddresses(bcc),
            subject,
            text: words.text,
            html: words.html,
            attachments,
            requestId: id,
          });
          onSent(sent.interactionId);
        } catch (failure) {
          setError(failure);
        } finally {
          setSending(false);
        }
      }}
    >
      <h2 id="new-email-title">New email</h2>
      <label>
        From
        <select ref={first} value={accountId ?? ''} onChange={(event) => setAccountId(Number(event.currentTarget.value))}>
          {accounts.map((option) => (
            <option key={option.id} value={option.id}>
              {option.name} &lt;{option.emailAddress}&gt;
            </option>
          ))}
        </select>
      </label>
      <label>
        To
        <input type="text" required value={to} placeholder="name@example.com" onInput={(event) => setTo(event.currentTarget.value)} />
      </label>
      {copiesOpen ? (
        <>
          <label>
            Cc
            <input type="text" value={cc} onInput={(event) => setCc(event.currentTarget.value)} />
          </label>
          <label>
            Bcc
            <input type="text" value={bcc} onInput={(event) => setBcc(event.currentTarget.value)} />
          </label>
        </>
      ) : (
        <button type="button" class="link" onClick={() => setCopiesOpen(true)}>
          Cc/Bcc
        </button>
      )}
      <label>
        Subject
        <input type="text" required maxLength={998} value={subject} onInput={(event) => setSubject(event.currentTarget.value)} />
      </label>
      <details class="canned">
        <summary>Canned answers ({canned.data?.length ?? 0})</summary>
        <ul class="canned-list" aria-label="Canned answers">
          {(canned.data ?? []).map((answer) => (
            <li key={answer.id}>
              <button
                type="button"
                class="link"
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => editor.current?.insertText(renderTemplate(answer.body, templateData))}
                title={answer.body}
              >
                {answer.name}
              </button>
            </li>
          ))}
        </ul>
      </details>
      <div class="composer-words">
        <span id="new-email-words" class="label">
          Message
        </span>
        {Editor ? (
          <Editor
            labelledBy="new-email-words"
            initialHtml=""
            handle={editor}
            quote={null}
            onChange={(html, text) => setWords({ html, text })}
          />
        ) : (
          <p class="muted">Loading the editor…</p>
        )}
      </div>
      <label>
        Attachments
        <input type="file" multiple onChange={(event) => setFiles([...files, ...Array.from(event.currentTarget.files ?? [])])} />
      </label>
      {files.length > 0 && (
        <ul class="attachments" aria-label="Files to send">
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`}>
              {file.name} ({formatBytes(file.size)})
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={sending || accountId === null} aria-keyshortcuts="Control+Enter Meta+Enter">
          Send
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ErrorText error={error ?? canned.error} />
    </form>
  );
}
