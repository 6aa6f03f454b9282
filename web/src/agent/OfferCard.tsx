/**
 * One live offer, compact (under 80 px): who writes, the account by name, how long they have waited (live), the
 * subject and a preview line; the server's desk notification as its title; shaking when new, if the account says so.
 */
import { useEffect, useState } from 'preact/hooks';
import { offerSourceLabel } from '../labels';
import type { Account, PendingOffer } from '../types';
import { formatDate, formatWaiting } from '../ui';

export function OfferCard({
  offer,
  account,
  fresh,
  onAnswer,
}: {
  offer: PendingOffer;
  account: Account | undefined;
  /** Arrived with the latest load of the offers. */
  fresh: boolean;
  onAnswer: (offer: PendingOffer, answer: 'accept' | 'reject') => Promise<void>;
}) {
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const secondsLeft = Math.max(0, Math.round((Date.parse(offer.expiresAt) - now) / 1000));
  const shake = fresh && offer.notification.shake;
  /** Each button says which offer it answers: a screen reader lists many "Accept" otherwise. */
  const what = `from ${offer.customerName ?? offer.customerEmail}: ${offer.subject || '(no subject)'}`;
  const answer = async (response: 'accept' | 'reject') => {
    setBusy(true);
    await onAnswer(offer, response).finally(() => setBusy(false));
  };
  return (
    <li
      class={`offer${shake ? ' shake' : ''}`}
      data-offer-id={offer.id}
      data-shake={shake ? 'on' : 'off'}
      title={offer.notification.text}
      data-notification={offer.notification.text}
    >
      <p class="offer-who">
        <strong dir="auto">{offer.customerName || offer.customerEmail}</strong>
        <span class="offer-account">{account?.name ?? offer.accountName}</span>
        <span class="offer-wait" title={`Waiting since ${formatDate(offer.waitingSince)}`}>
          <span class="sr-only">waiting </span>
          {formatWaiting(offer.waitingSince, now)}
        </span>
      </p>
      <p class="offer-subject" dir="auto">
        {offer.source === 'transfer' || offer.source === 'assigned-agent' ? (
          <span class="offer-source">{offerSourceLabel(offer.source)} · </span>
        ) : null}
        {offer.subject || '(no subject)'}
      </p>
      <p class="offer-preview" dir="auto">
        {offer.preview || <span class="muted">(no text)</span>}
      </p>
      <p class="offer-expiry" title="Time left to accept">
        <span class="sr-only">expires in </span>
        {secondsLeft} s
      </p>
      <div class="actions">
        <button type="button" class="primary" disabled={busy} aria-label={`Accept offer ${what}`} onClick={() => void answer('accept')}>
          Accept
        </button>
        <button type="button" disabled={busy} aria-label={`Reject offer ${what}`} onClick={() => void answer('reject')}>
          Reject
        </button>
      </div>
    </li>
  );
}
