/**
 * Emails of the interaction whose delivery is unknown (the SMTP server had them when a worker died): the customer
 * may or may not have them. Each asks to be resent as a new email, marked sent, or discarded; mailroute looks for
 * them in the Sent folder meanwhile and settles them itself when it finds them there.
 */
import { useState } from 'preact/hooks';
import { post } from './api';
import type { InteractionDetail } from './types';
import { ErrorText, formatDate } from './ui';

type UncertainSend = InteractionDetail['uncertainSends'][number];
type Decision = 'resend' | 'mark-sent' | 'discard';

const ACTIONS: Array<{ decision: Decision; label: string; title: string }> = [
  { decision: 'resend', label: 'Resend', title: 'Send it again as a new email: the customer may get it twice' },
  {
    decision: 'mark-sent',
    label: 'Mark as sent',
    title: 'You know it arrived (the customer answered it, or you see it in the Sent folder)',
  },
  { decision: 'discard', label: 'Discard', title: 'Leave it unknown and stop asking' },
];

export function UncertainSends({ interaction, onSettled }: { interaction: InteractionDetail; onSettled: () => void }) {
  if (interaction.uncertainSends.length === 0) return null;
  return (
    <section class="uncertain-sends" aria-label="Emails whose delivery is unknown">
      {interaction.uncertainSends.map((send) => (
        <UncertainSendItem key={send.outboundId} interactionId={interaction.id} send={send} onSettled={onSettled} />
      ))}
    </section>
  );
}

function UncertainSendItem({ interactionId, send, onSettled }: { interactionId: number; send: UncertainSend; onSettled: () => void }) {
  const [busy, setBusy] = useState<Decision | null>(null);
  const [error, setError] = useState<unknown>(null);
  const decide = async (decision: Decision) => {
    setBusy(decision);
    try {
      await post(`/interactions/${interactionId}/uncertain-sends/${send.outboundId}`, { decision });
      setError(null);
      onSettled();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };
  const to = send.to.map((recipient) => recipient.address).join(', ');
  return (
    <div class="notice uncertain-send" role="alert">
      <p>
        <strong>Delivery unknown:</strong> the {send.kind} “{send.subject}” to {to} ({formatDate(send.createdAt)}) may or may not have
        reached the customer. It is looked for in the Sent folder; you can also decide now.
      </p>
      <div class="actions">
        {ACTIONS.map(({ decision, label, title }) => (
          <button key={decision} type="button" title={title} disabled={busy !== null} onClick={() => void decide(decision)}>
            {busy === decision ? `${label}…` : label}
          </button>
        ))}
      </div>
      {error !== null && <ErrorText error={error} />}
    </div>
  );
}
