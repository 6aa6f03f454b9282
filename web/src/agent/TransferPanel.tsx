/**
 * Transferring the held interaction to an agent, a queue or another account, among the targets the account allows,
 * with a handover note for whoever takes it. Agents who cannot take it now (paused, offline) are listed as such and
 * cannot be picked. While a transfer waits, the transferring agent sees whom it waits for.
 */
import { useState } from 'preact/hooks';
import { get, post } from '../api';
import { presenceLabel } from '../labels';
import type { InteractionDetail } from '../types';
import { ErrorText, Notice, useLoad } from '../ui';

interface Option {
  id: number;
  name: string;
  /** Listed but not offered: why. */
  unavailable?: string;
}

/** GET /interactions/:id/transfer-targets (the API's TransferTargets schema exports no type). */
interface TransferTargets {
  enabled: boolean;
  agents: Array<{ id: number; name: string; presence: string; pauseReason: string | null; available: boolean }>;
  queues: Array<{ id: number; name: string }>;
  accounts: Array<{ id: number; key: string; name: string }>;
}

type Kind = 'agent' | 'queue' | 'account';

function optionsOf(targets: TransferTargets, kind: Kind): Option[] {
  if (kind === 'agent')
    return targets.agents.map((agent) => ({
      id: agent.id,
      name: agent.name,
      ...(agent.available ? {} : { unavailable: presenceLabel(agent.presence, agent.pauseReason) }),
    }));
  if (kind === 'queue') return targets.queues;
  return targets.accounts.map((account) => ({ id: account.id, name: account.name }));
}

export function TransferPanel({ interaction, onDone }: { interaction: InteractionDetail; onDone: () => void }) {
  const [kind, setKind] = useState<Kind>('queue');
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  // The API lists the targets the account allows (its agents, its queues, other accounts); ids typed by hand otherwise.
  const targets = useLoad<TransferTargets | null>(
    () => get<TransferTargets>(`/interactions/${interaction.id}/transfer-targets`).catch(() => null),
    [interaction.id],
  );
  const options = targets.data ? optionsOf(targets.data, kind) : null;
  return (
    <form
      class="transfer-panel"
      aria-label="Transfer"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await post(`/interactions/${interaction.id}/transfer`, {
            [`${kind}Id`]: Number(target),
            ...(note.trim() ? { note: note.trim() } : {}),
          });
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
      {options ? (
        <label>
          Target {kind}
          <select aria-label={`Target ${kind}`} required value={target} onChange={(event) => setTarget(event.currentTarget.value)}>
            <option value="">{options.length === 0 ? `No ${kind} to transfer to` : 'Choose…'}</option>
            {options.map((option) => (
              <option key={option.id} value={option.id} disabled={option.unavailable !== undefined}>
                {option.unavailable ? `${option.name} (${option.unavailable})` : option.name}
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
      {kind === 'agent' && options?.some((option) => option.unavailable) && (
        <p class="muted">Paused and offline agents cannot take a transfer until they are online.</p>
      )}
      <label>
        Handover note (for whoever takes it; never sent to the customer)
        <textarea rows={3} maxLength={10_000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
      </label>
      <button type="submit">Transfer</button>
      {done && <Notice>Transfer started.</Notice>}
      <ErrorText error={error} />
    </form>
  );
}

/** The transferring agent's view of a transfer under way: whom it waits for, and that it is read-only until then. */
export function TransferPending({ interaction }: { interaction: InteractionDetail }) {
  const started = [...interaction.events].reverse().find((event) => event.type === 'transfer-started');
  const target = started?.detail.target as { kind: Kind; agentId?: number; queueId?: number; accountId?: number } | undefined;
  const targets = useLoad<TransferTargets | null>(
    () => get<TransferTargets>(`/interactions/${interaction.id}/transfer-targets`).catch(() => null),
    [interaction.id],
  );
  let whom = 'another agent';
  if (target && targets.data) {
    const id = target.agentId ?? target.queueId ?? target.accountId;
    const found = optionsOf(targets.data, target.kind).find((option) => option.id === id);
    if (found) whom = target.kind === 'agent' ? found.name : target.kind === 'queue' ? `queue ${found.name}` : `account ${found.name}`;
  }
  return (
    <p class="notice transfer-pending" role="status">
      Transferred, waiting for {whom} to accept. Read-only until then; it comes back to you if nobody accepts in time.
    </p>
  );
}
