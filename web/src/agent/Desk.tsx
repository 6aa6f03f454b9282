/**
 * The agent desk: presence, live offers (account key on the tab, the account's notification template,
 * sound and shake as configured), accept/reject, and the interactions the agent holds.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { renderTemplate } from '../../../domain/templates';
import { get, listAll, post, put } from '../api';
import { useLiveEvents } from '../live';
import type { Account, InteractionSummary, Offer, Page, PauseStatus, Presence, User } from '../types';
import { ErrorText, onTabListKeyDown, useLoad } from '../ui';
import { InteractionView } from './InteractionView';
import { playOfferSound, tabTitle } from './notify';

const DEFAULT_NOTIFICATION = 'New email on {{account.key}} from {{customer.email}}: {{subject}}';

function PresenceControl({ user, onUserChange }: { user: User; onUserChange: (user: User) => void }) {
  const pauseStatuses = useLoad(() => listAll<PauseStatus>('/pause-statuses'), []);
  const [pauseStatusId, setPauseStatusId] = useState<string>('');
  const [error, setError] = useState<unknown>(null);
  const change = async (presence: Presence) => {
    try {
      const body = presence === 'paused' && pauseStatusId ? { presence, pauseStatusId: Number(pauseStatusId) } : { presence };
      onUserChange(await put<User>('/me/presence', body));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };
  const reason = pauseStatuses.data?.find((status) => status.id === user.pauseStatusId)?.name;
  return (
    <section class="presence" aria-label="Presence">
      <span class={`presence-state ${user.presence}`} data-testid="presence">
        {user.presence === 'paused' ? `Paused${reason ? `: ${reason}` : ''}` : user.presence === 'online' ? 'Online' : 'Offline'}
      </span>
      <button type="button" aria-pressed={user.presence === 'online'} onClick={() => change('online')}>
        Go online
      </button>
      <label>
        Pause reason
        <select aria-label="Pause reason" value={pauseStatusId} onChange={(event) => setPauseStatusId(event.currentTarget.value)}>
          <option value="">(none)</option>
          {pauseStatuses.data?.map((status) => (
            <option key={status.id} value={status.id}>
              {status.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" aria-pressed={user.presence === 'paused'} onClick={() => change('paused')}>
        Pause
      </button>
      <button type="button" aria-pressed={user.presence === 'offline'} onClick={() => change('offline')}>
        Go offline
      </button>
      <ErrorText error={error} />
    </section>
  );
}

function OfferCard({
  offer,
  account,
  fresh,
  onAnswer,
}: {
  offer: Offer;
  account: Account | undefined;
  fresh: boolean;
  onAnswer: (offer: Offer, answer: 'accept' | 'reject') => Promise<void>;
}) {
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const secondsLeft = Math.max(0, Math.round((Date.parse(offer.expiresAt) - now) / 1000));
  const notification = renderTemplate(account?.notificationTemplate || DEFAULT_NOTIFICATION, {
    subject: offer.subject,
    customer: { email: offer.customerEmail },
    customerEmail: offer.customerEmail,
    account: { key: offer.accountKey, name: account?.name ?? '', email: account?.emailAddress ?? '' },
    accountKey: offer.accountKey,
    source: offer.source,
  });
  const shake = fresh && account?.notificationShake === true;
  return (
    <li class={`offer${shake ? ' shake' : ''}`} data-offer-id={offer.id} data-shake={shake ? 'on' : 'off'}>
      <span class="account-key" title={account?.name}>
        {offer.accountKey}
      </span>
      <p class="notification">{notification}</p>
      <p class="meta">
        {offer.customerEmail} · expires in {secondsLeft} s
      </p>
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            await onAnswer(offer, 'accept').finally(() => setBusy(false));
          }}
        >
          Accept
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            await onAnswer(offer, 'reject').finally(() => setBusy(false));
          }}
        >
          Reject
        </button>
      </div>
    </li>
  );
}

export function Desk({ user, onUserChange }: { user: User; onUserChange: (user: User) => void }) {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const [offers, setOffers] = useState<Offer[]>([]);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [mine, setMine] = useState<InteractionSummary[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [detailVersion, setDetailVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [lastSound, setLastSound] = useState<number | null>(null);
  const known = useRef<Set<number>>(new Set());

  const accountsByKey = useMemo(() => new Map((accounts.data ?? []).map((account) => [account.key, account])), [accounts.data]);

  const loadOffers = async () => {
    const current = await get<Offer[]>('/me/offers');
    const arrived = current.filter((offer) => !known.current.has(offer.id));
    known.current = new Set(current.map((offer) => offer.id));
    setOffers(current);
    if (arrived.length > 0) {
      setFresh(new Set(arrived.map((offer) => offer.id)));
      // After the offer is painted: starting audio may take the main thread for a moment.
      if (arrived.some((offer) => accountsByKey.get(offer.accountKey)?.notificationSound !== false))
        setTimeout(() => playOfferSound() && setLastSound(Date.now()), 100);
    }
  };
  const loadMine = async () => {
    const page = await post<Page<InteractionSummary>>('/interactions/search', {
      agentId: user.id,
      status: 'open',
      sort: 'lastMessageAt',
      order: 'desc',
      limit: 100,
    });
    setMine(page.items);
  };
  const reload = () => {
    loadOffers().catch(setError);
    loadMine().catch(setError);
  };

  useEffect(reload, [user.id, accountsByKey]);

  useLiveEvents((event) => {
    if (event.event === 'connected' || event.event === 'offer') return reload();
    if (event.data.kind === 'routing') {
      reload();
      if (event.data.interactionId === selected) setDetailVersion((value) => value + 1);
    }
  });

  // An offer that times out disappears without an event to the agent: look again when the first one expires.
  useEffect(() => {
    if (offers.length === 0) return;
    const first = Math.min(...offers.map((offer) => Date.parse(offer.expiresAt)));
    const timer = setTimeout(reload, Math.max(500, first - Date.now() + 250));
    return () => clearTimeout(timer);
  }, [offers]);

  const selectedSummary = mine.find((interaction) => interaction.id === selected);
  useEffect(() => {
    document.title = tabTitle(
      offers.map((offer) => offer.accountKey),
      selectedSummary?.accountKey ?? null,
    );
  }, [offers, selectedSummary]);

  const answer = async (offer: Offer, response: 'accept' | 'reject') => {
    try {
      await post(`/offers/${offer.id}/${response}`);
      setError(null);
      if (response === 'accept') setSelected(offer.interactionId);
    } catch (failure) {
      setError(failure);
    }
    reload();
  };

  return (
    <main class="desk">
      <PresenceControl user={user} onUserChange={onUserChange} />
      <ErrorText error={error ?? accounts.error} />
      <div class="desk-columns">
        <aside class="desk-side">
          <section aria-labelledby="offers-title" class="offers" data-sound-at={lastSound ?? ''}>
            <h2 id="offers-title">Offers ({offers.length})</h2>
            {offers.length === 0 && (
              <p class="muted">{user.presence === 'online' ? 'Waiting for emails…' : 'Go online to receive offers.'}</p>
            )}
            <ul aria-live="polite">
              {offers.map((offer) => (
                <OfferCard
                  key={offer.id}
                  offer={offer}
                  account={accountsByKey.get(offer.accountKey)}
                  fresh={fresh.has(offer.id)}
                  onAnswer={answer}
                />
              ))}
            </ul>
          </section>
          <section aria-labelledby="mine-title">
            <h2 id="mine-title">My interactions</h2>
            <div role="tablist" aria-orientation="vertical" class="interaction-tabs" onKeyDown={onTabListKeyDown}>
              {mine.map((interaction) => (
                <button
                  key={interaction.id}
                  type="button"
                  role="tab"
                  aria-selected={interaction.id === selected}
                  onClick={() => setSelected(interaction.id)}
                >
                  <span class="account-key">{interaction.accountKey}</span>
                  <span class="tab-subject">
                    #{interaction.id} {interaction.subject || '(no subject)'}
                  </span>
                  <span class="muted">{interaction.customerEmail}</span>
                </button>
              ))}
              {mine.length === 0 && <p class="muted">None open.</p>}
            </div>
          </section>
        </aside>
        <section class="desk-main" role="tabpanel" aria-label="Interaction">
          {selected !== null ? (
            <InteractionView
              key={selected}
              interactionId={selected}
              accounts={accounts.data ?? []}
              user={user}
              version={detailVersion}
              onChanged={reload}
              onClosed={() => {
                setSelected(null);
                reload();
              }}
            />
          ) : (
            <p class="muted empty">Accept an offer or pick one of your interactions.</p>
          )}
        </section>
      </div>
    </main>
  );
}
