/**
 * Closing the held interaction with a disposition (required when the account says so, or while routing waits for one).
 * Compact, one line: it sits in the interaction's bar, which stays on screen whatever the thread's length.
 */
import { useState } from 'preact/hooks';
import { listAll, post } from '../api';
import type { Account, Disposition, InteractionDetail } from '../types';
import { ErrorText, Notice, useLoad } from '../ui';

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

export function ClosePanel({
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
