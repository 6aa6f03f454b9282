/** Adding an internal note to an interaction (never sent to the customer): the holder's desk and the supervisor's spy view. */
import { useState } from 'preact/hooks';
import { post } from './api';
import { ErrorText } from './ui';

export function NoteForm({
  interactionId,
  label,
  class: className,
  onAdded,
  onError,
}: {
  interactionId: number;
  /** The text box's label, which says who reads notes. */
  label: string;
  class?: string;
  onAdded: () => void;
  /** Where a failure (or, null, a success) is reported; without it the form shows the error itself. */
  onError?: (error: unknown) => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const report = onError ?? setError;
  return (
    <form
      class={className}
      aria-label="Internal note"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await post(`/interactions/${interactionId}/notes`, { text });
          setText('');
          report(null);
          onAdded();
        } catch (failure) {
          report(failure);
        }
      }}
    >
      <label>
        {label}
        <textarea rows={3} required value={text} onInput={(event) => setText(event.currentTarget.value)} />
      </label>
      <button type="submit">Add note</button>
      {!onError && <ErrorText error={error} />}
    </form>
  );
}
