/**
 * Adding an internal note to an interaction (never sent to the customer): the holder's desk and the supervisor's spy
 * view. The note being written is kept as a draft in this browser until added; Ctrl+Enter adds it.
 */
import { useState } from 'preact/hooks';
import { post } from './api';
import { loadDraft, saveDraft } from './drafts';
import { ErrorText, Notice } from './ui';

interface NoteFormProps {
  interactionId: number;
  /** The text box's label, which says who reads notes. */
  label: string;
  class?: string;
  onAdded: () => void;
  /** Where a failure (or, null, a success) is reported; without it the form shows the error itself. */
  onError?: (error: unknown) => void;
}

/** One form per interaction: a draft never follows the user to another interaction. */
export function NoteForm(props: NoteFormProps) {
  return <NoteFormFor key={props.interactionId} {...props} />;
}

function NoteFormFor({ interactionId, label, class: className, onAdded, onError }: NoteFormProps) {
  const [restored, setRestored] = useState(() => loadDraft<{ text: string }>('note', interactionId) !== null);
  const [text, setText] = useState(() => loadDraft<{ text: string }>('note', interactionId)?.text ?? '');
  const [error, setError] = useState<unknown>(null);
  const report = onError ?? setError;
  /** Kept at once, not after the next paint: a reload right after a keystroke keeps it. */
  const change = (next: string) => {
    saveDraft('note', interactionId, next.trim() ? { text: next } : null);
    setText(next);
  };
  return (
    <form
      class={className}
      aria-label="Internal note"
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey) {
          event.preventDefault();
          event.currentTarget.requestSubmit();
        }
      }}
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await post(`/interactions/${interactionId}/notes`, { text });
          change('');
          setRestored(false);
          report(null);
          onAdded();
        } catch (failure) {
          report(failure);
        }
      }}
    >
      {restored && <Notice>Draft restored.</Notice>}
      <label>
        {label}
        <textarea rows={3} required value={text} onInput={(event) => change(event.currentTarget.value)} />
      </label>
      <button type="submit" aria-keyshortcuts="Control+Enter Meta+Enter">
        Add note
      </button>
      {!onError && <ErrorText error={error} />}
    </form>
  );
}
