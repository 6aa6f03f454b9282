/** One live offer: the account key, the server's desk notification (shaking when new, if the account says so), accept or reject. */
import { useEffect, useState } from 'preact/hooks';
import type { Account, PendingOffer } from '../types';

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
  const answer = async (response: 'accept' | 'reject') => {
    setBusy(true);
    await onAnswer(offer, response).finally(() => setBusy(false));
  };
  return (
    <li class={`offer${shake ? ' shake' : ''}`} data-offer-id={offer.id} data-shake={shake ? 'on' : 'off'}>
      <span class="account-key" title={account?.name}>
        {offer.accountKey}
      </span>
      <p class="notification">{offer.notification.text}</p>
      <p class="meta">
        {offer.customerEmail} · expires in {secondsLeft} s
      </p>
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => void answer('accept')}>
          Accept
        </button>
        <button type="button" disabled={busy} onClick={() => void answer('reject')}>
          Reject
        </button>
      </div>
    </li>
  );
}
