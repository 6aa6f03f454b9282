/**
 * Who wrote the interaction, beside the thread: name, address, contact list, and their other interactions in every
 * account the user may see (GET /interactions/:id/customer) with account, state and date. Each opens read-only below
 * the list; one the agent holds also opens on their desk, and a supervisor's in the supervisor's view.
 */
import { useState } from 'preact/hooks';
import { get } from '../api';
import { interactionStateLabel } from '../labels';
import { navigate } from '../router';
import { Thread } from '../Thread';
import type { CustomerContext, InteractionDetail, Role } from '../types';
import { ErrorText, RelativeTime, useLoad } from '../ui';

/** Where an earlier interaction opens to be worked on: the holder's desk, the supervisor's view; else nowhere (read-only). */
function addressOf(past: CustomerContext['interactions'][number], userId: number, role: Role): string | null {
  if (past.status === 'open' && past.agentId === userId) return `/desk/interactions/${past.id}`;
  return role === 'agent' ? null : `/supervisor/interactions/${past.id}`;
}

export function CustomerPanel({ interactionId, userId, role }: { interactionId: number; userId: number; role: Role }) {
  const customer = useLoad(() => get<CustomerContext>(`/interactions/${interactionId}/customer`), [interactionId]);
  const [opened, setOpened] = useState<number | null>(null);
  const context = customer.data;
  return (
    <section class="customer-panel" aria-labelledby="customer-title">
      <h3 id="customer-title">Customer</h3>
      <ErrorText error={customer.error} />
      {context && (
        <>
          <p class="customer-name" dir="auto">
            {context.name || context.email}
          </p>
          <p class="customer-email">{context.email}</p>
          {context.contact && <p class="muted">Contact in {context.contact.listName}</p>}
          <h4 id="customer-history-title">
            {context.interactions.length === 0 ? 'No earlier interactions' : `Earlier interactions (${context.interactions.length})`}
          </h4>
          {context.interactions.length > 0 && (
            <ul class="customer-history" aria-labelledby="customer-history-title">
              {context.interactions.map((past) => {
                const address = addressOf(past, userId, role);
                return (
                  <li key={past.id}>
                    <button
                      type="button"
                      class="link"
                      aria-expanded={opened === past.id}
                      aria-controls={opened === past.id ? 'past-interaction' : undefined}
                      onClick={() => setOpened(opened === past.id ? null : past.id)}
                      dir="auto"
                    >
                      {past.subject || '(no subject)'}
                    </button>
                    <span class="muted">
                      {interactionStateLabel({ ...past, agentId: null }, { agentName: past.agentName })} ·{' '}
                      <RelativeTime value={past.lastMessageAt} /> · {past.accountName}
                    </span>
                    {address && (
                      <a
                        class="customer-history-open"
                        href={`/app${address}`}
                        onClick={(event) => {
                          event.preventDefault();
                          navigate(address);
                        }}
                      >
                        Open #{past.id}
                        <span class="sr-only"> ({past.subject || 'no subject'})</span>
                      </a>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          {opened !== null && <PastInteraction id={opened} userId={userId} onClose={() => setOpened(null)} />}
        </>
      )}
    </section>
  );
}

/** One earlier interaction, read-only: its thread, nothing to act with. */
function PastInteraction({ id, userId, onClose }: { id: number; userId: number; onClose: () => void }) {
  const detail = useLoad(() => get<InteractionDetail>(`/interactions/${id}`), [id]);
  const past = detail.data;
  return (
    <section id="past-interaction" class="past-interaction" aria-label={`Earlier interaction: ${past?.subject ?? id} (read-only)`}>
      <div class="past-interaction-head">
        <strong dir="auto">{past ? past.subject || '(no subject)' : 'Loading…'}</strong>
        <button type="button" class="small" onClick={onClose}>
          Hide
        </button>
      </div>
      <ErrorText error={detail.error} />
      {past && (
        <>
          <p class="muted">
            #{past.id} · {interactionStateLabel(past, { youId: userId })} · read-only
          </p>
          <Thread messages={past.messages} />
        </>
      )}
    </section>
  );
}
