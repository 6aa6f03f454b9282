/**
 * "My settings": what users change of themselves, in a modal dialog from the desk. Today the signature, which
 * replies carry where the account's body template says {{agent.signature}} (PATCH /me).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { patch } from '../api';
import type { User } from '../types';
import { ErrorText } from '../ui';

export function MySettings({ user, onUserChange }: { user: User; onUserChange: (user: User) => void }) {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
    if (!open && dialog.current?.open) dialog.current.close();
  }, [open]);
  return (
    <>
      <button type="button" class="link my-settings-button" onClick={() => setOpen(true)}>
        My settings
      </button>
      <dialog ref={dialog} class="my-settings" aria-labelledby="my-settings-title" onClose={() => setOpen(false)}>
        <h2 id="my-settings-title">My settings</h2>
        {/* A fresh form each time it opens: it starts from what is saved. */}
        {open && <SignatureForm user={user} onSaved={onUserChange} />}
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </dialog>
    </>
  );
}

function SignatureForm({ user, onSaved }: { user: User; onSaved: (user: User) => void }) {
  const [signature, setSignature] = useState(user.signature);
  const [state, setState] = useState<{ saving?: boolean; saved?: boolean; error?: unknown }>({});
  const save = async (event: Event) => {
    event.preventDefault();
    setState({ saving: true });
    try {
      onSaved(await patch<User>('/me', { signature }));
      setState({ saved: true });
    } catch (error) {
      setState({ error });
    }
  };
  return (
    <form class="signature-form" onSubmit={(event) => void save(event)}>
      <label for="my-signature">Signature</label>
      <textarea
        id="my-signature"
        rows={5}
        maxLength={2000}
        value={signature}
        aria-describedby="my-signature-hint"
        onInput={(event) => {
          setSignature(event.currentTarget.value);
          setState({});
        }}
      />
      <p id="my-signature-hint" class="muted">
        Put into your replies where the account's template says {'{{agent.signature}}'}. Empty: none.
      </p>
      <ErrorText error={state.error} />
      <div class="actions">
        <button type="submit" disabled={state.saving}>
          Save signature
        </button>
        <span role="status">{state.saved ? 'Saved.' : ''}</span>
      </div>
    </form>
  );
}
