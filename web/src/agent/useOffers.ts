/**
 * The agent's pending offers (GET /me/offers, each with the server's desk notification): which arrived with the last
 * load (they shake), and when the tone last played for a new one whose account wants sound.
 */
import { useRef, useState } from 'preact/hooks';
import { get } from '../api';
import { useLatest } from '../ui';
import type { Page, PendingOffer } from '../types';
import { playOfferSound } from './notify';

export function useOffers() {
  const [offers, setOffers] = useState<PendingOffer[]>([]);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [lastSound, setLastSound] = useState<number | null>(null);
  const known = useRef<Set<number>>(new Set());
  const latest = useLatest();

  const load = () =>
    latest(
      () => get<Page<PendingOffer>>('/me/offers'),
      (page) => show(page.items),
    );
  const show = (current: PendingOffer[]) => {
    const arrived = current.filter((offer) => !known.current.has(offer.id));
    known.current = new Set(current.map((offer) => offer.id));
    setOffers(current);
    if (arrived.length > 0) {
      setFresh(new Set(arrived.map((offer) => offer.id)));
      // After the offer is painted: starting audio may take the main thread for a moment.
      if (arrived.some((offer) => offer.notification.sound)) setTimeout(() => playOfferSound() && setLastSound(Date.now()), 100);
    }
  };

  return { offers, fresh, lastSound, load };
}
