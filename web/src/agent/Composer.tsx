/**
 * Reply and forward: canned answers (the account's blended list: global + the account's own, searchable),
 * the assistant's suggestion, attachments. The account's body template is applied by the server.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { renderTemplate } from '../../../domain/templates';
import { fileToAttachment, listAll, post } from '../api';
import { capabilities } from '../capabilities';
import type { Account, CannedAnswer, InteractionDetail, User } from '../types';
import { ErrorText, formatBytes, Notice, useLoad } from '../ui';

function requestId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function parseAddresses(value: string): Array<{ address: string; name?: string }> {
  return value
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(.*?)\s*<([^>]+)>$/.exec(part);
      return match ? { address: match[2]!.trim(), ...(match[1] ? { name: match[1].replace(/^"|"$/g, '') } : {}) } : { address: part };
    });
}

export function Composer({
  mode,
  interaction,
  account,
  user,
  suggested,
  onSent,
}: {
  mode: 'reply' | 'forward';
  interaction: InteractionDetail;
  account: Account | undefined;
  user: User;
  suggested: { title: string; text: string; cannedAnswerId?: number; at: number } | null;
  onSent: () => void;
}) {
  const cannedAnswers = useLoad(() => listAll<CannedAnswer>(`/accounts/${interaction.accountId}/canned-answers`), [interaction.accountId]);
  const accepts = useLoad(() => capabilities(), []);
  const [search, setSearch] = useState('');
  const [text, setText] = useState('');
  /** The canned answer the server appends to the agent's words (when it takes cannedAnswerId). */
  const [canned, setCanned] = useState<{ id: number; name: string; body: string } | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [to, setTo] = useState('');
  const [cc, setCc] = useState('');
  const [includePrevious, setIncludePrevious] = useState(account?.includeMessageOnForward === true);
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [draftId, setDraftId] = useState(requestId);

  const fields = mode === 'reply' ? accepts.data?.replyFields : accepts.data?.forwardFields;
  const templateData = {
    subject: interaction.subject,
    customer: { name: interaction.customerName ?? '', email: interaction.customerEmail },
    agent: { name: user.name, email: user.email },
    interaction: { id: interaction.id, subject: interaction.subject },
    account: { key: account?.key ?? '', name: account?.name ?? '', email: account?.emailAddress ?? '' },
  };
  const insertText = (body: string) => {
    const rendered = renderTemplate(body, templateData);
    setText((current) => (current.trim() ? `${current.replace(/\s+$/, '')}\n\n${rendered}` : rendered));
    setSent(false);
  };
  /** A server that takes cannedAnswerId renders and appends the answer itself; an older one gets it as text. */
  const chooseCanned = (answer: { id: number; name: string; body: string }) => {
    if (fields?.has('cannedAnswerId')) {
      setCanned(answer);
      setSent(false);
    } else insertText(answer.body);
  };

  useEffect(() => {
    if (!suggested) return;
    if (suggested.cannedAnswerId !== undefined) chooseCanned({ id: suggested.cannedAnswerId, name: suggested.title, body: suggested.text });
    else insertText(suggested.text);
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

  return (
    <form
      class="composer"
      aria-label={mode === 'reply' ? 'Reply' : 'Forward'}
      onSubmit={async (event) => {
        event.preventDefault();
        setSending(true);
        try {
          const attachments = canAttach && files.length > 0 ? await Promise.all(files.map(fileToAttachment)) : undefined;
          const optional = {
            ...(canned ? { cannedAnswerId: canned.id } : {}),
            ...(attachments ? { attachments } : {}),
          };
          if (mode === 'reply') {
            await post(`/interactions/${interaction.id}/reply`, { text, requestId: draftId, ...optional });
          } else {
            await post(`/interactions/${interaction.id}/forward`, {
              to: parseAddresses(to),
              ...(cc.trim() ? { cc: parseAddresses(cc) } : {}),
              text,
              ...(fields?.has('includePreviousMessage') ? { includePreviousMessage: includePrevious } : {}),
              ...optional,
            });
          }
          setText('');
          setFiles([]);
          setCanned(null);
          setDraftId(requestId());
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
      {mode === 'forward' && (
        <>
          <label>
            To
            <input
              type="text"
              required
              value={to}
              placeholder="name@example.com, Other <other@example.com>"
              onInput={(e) => setTo(e.currentTarget.value)}
            />
          </label>
          <label>
            Cc
            <input type="text" value={cc} onInput={(e) => setCc(e.currentTarget.value)} />
          </label>
          <label class="inline">
            <input type="checkbox" checked={includePrevious} onChange={(e) => setIncludePrevious(e.currentTarget.checked)} />
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
              <button type="button" class="link" onClick={() => chooseCanned(answer)} title={answer.body}>
                {answer.name}
              </button>
              <span class="badge">{answer.accountId === null ? 'global' : (account?.key ?? 'account')}</span>
            </li>
          ))}
          {cannedAnswers.data && matching.length === 0 && <li class="muted">No canned answer matches.</li>}
        </ul>
        <ErrorText error={cannedAnswers.error} />
      </details>
      <label>
        {mode === 'reply' ? `Reply to ${interaction.customerEmail}` : 'Message'}
        <textarea
          name="text"
          rows={8}
          required={!canned}
          value={text}
          onInput={(event) => {
            setText(event.currentTarget.value);
            setSent(false);
          }}
        />
      </label>
      {canned && (
        <section class="canned-chosen" aria-label="Canned answer to append">
          <p>
            <strong>Canned answer:</strong> {canned.name}{' '}
            <button type="button" class="small" onClick={() => setCanned(null)} aria-label={`Remove canned answer ${canned.name}`}>
              Remove
            </button>
          </p>
          <pre class="text-body">{renderTemplate(canned.body, templateData)}</pre>
        </section>
      )}
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
      <button type="submit" class="primary" disabled={sending || Boolean(forwardMissing)}>
        {mode === 'reply' ? 'Send reply' : 'Forward'}
      </button>
      {sent && <Notice>{mode === 'reply' ? 'Reply sent.' : 'Forwarded.'}</Notice>}
      <ErrorText error={error} />
    </form>
  );
}
