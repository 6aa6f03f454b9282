/** Transferring the held interaction to an agent, a queue or another account, among the targets the account allows. */
import { useState } from 'preact/hooks';
import { get, post } from '../api';
import type { InteractionDetail } from '../types';
import { ErrorText, Notice, useLoad } from '../ui';

interface Option {
  id: number;
  name: string;
}

/** GET /interactions/:id/transfer-targets (the API's TransferTargets schema exports no type). */
interface TransferTargets {
  enabled: boolean;
  agents: Array<{ id: number; name: string; presence: string }>;
  queues: Option[];
  accounts: Array<{ id: number; key: string; name: string }>;
}

export function TransferPanel({ interaction, onDone }: { interaction: InteractionDetail; onDone: () => void }) {
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
