/**
 * Interactions routing found nobody for, in the agent's accounts: they wait here, longest first, until someone picks
 * one up (one pick-up wins; a slower click is told it is gone). The desk reloads the list with its other lists.
 */
import { useState } from 'preact/hooks';
import { get, post } from '../api';
import type { InteractionSearchItem, Page } from '../types';
import { RelativeTime, useLatest } from '../ui';

export function useUnassigned() {
  const [items, setItems] = useState<InteractionSearchItem[]>([]);
  const latest = useLatest();
  const load = () =>
    latest(
      () => get<Page<InteractionSearchItem>>('/interactions/unassigned?limit=50'),
      (page) => setItems(page.items),
    );
  return { items, load };
}

export function UnassignedList({
  items,
  onPickedUp,
  onError,
}: {
  items: InteractionSearchItem[];
  onPickedUp: (interactionId: number) => void;
  onError: (error: unknown) => void;
}) {
  const [busy, setBusy] = useState<number | null>(null);
  if (items.length === 0) return null;
  const pickUp = async (interaction: InteractionSearchItem) => {
    setBusy(interaction.id);
    try {
      await post(`/interactions/${interaction.id}/pick-up`);
      onPickedUp(interaction.id);
    } catch (error) {
      onError(error);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="unassigned-title" class="unassigned">
      <h2 id="unassigned-title">Unassigned ({items.length})</h2>
      <ul class="unassigned-list">
        {items.map((interaction) => (
          <li key={interaction.id} class="offer-card">
            <span class="account-key">{interaction.accountKey}</span>
            <span class="tab-subject" dir="auto">
              {interaction.subject || '(no subject)'}
            </span>
            <span class="muted">
              {interaction.customerEmail} · <RelativeTime value={interaction.lastMessageAt} />
            </span>
            <button
              type="button"
              disabled={busy === interaction.id}
              aria-label={`Pick up #${interaction.id} ${interaction.subject || '(no subject)'}`}
              onClick={() => void pickUp(interaction)}
            >
              Pick up
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
