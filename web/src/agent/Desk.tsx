/**
 * The agent desk: presence, live offers (account key on the tab, the server's desk notification: the account's
 * template rendered, sound and shake as configured), accept/reject, and the interactions the agent holds.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, listAll, post } from '../api';
import { FirstRun } from '../admin/FirstRun';
import { useLiveEvents } from '../live';
import { interactionIdIn, navigate, usePath } from '../router';
import type { Account, InteractionSearchItem, Page, PendingOffer, User } from '../types';
import { ErrorText, onTabListKeyDown, useLatest, useLoad } from '../ui';
import { isHeldState } from '../labels';
import { InteractionView } from './InteractionView';
import { NewEmail } from './NewEmail';
import { tabTitle } from './notify';
import { OfferCard } from './OfferCard';
import { PresenceControl } from './PresenceControl';
import { sendInteractionCommand, useDeskShortcuts } from './shortcuts';
import { MySettings } from './MySettings';
import { ShortcutHelp } from './ShortcutHelp';
import { useOffers } from './useOffers';
import { UnassignedList, useUnassigned } from './Unassigned';

export function Desk({ user, onUserChange }: { user: User; onUserChange: (user: User) => void }) {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const { offers, fresh, lastSound, load: loadOffers } = useOffers();
  const unassigned = useUnassigned();
  const [mine, setMine] = useState<InteractionSearchItem[]>([]);
  // The interaction open on the desk is the address's ("/desk/interactions/12"): linkable, kept by a reload.
  const path = usePath();
  const selected = interactionIdIn(path, 'desk');
  const setSelected = (id: number | null) => navigate(id === null ? '/desk' : `/desk/interactions/${id}`);
  const [detailVersion, setDetailVersion] = useState(0);
  /** Writing a new email to a customer (it becomes one of the agent's interactions once sent). */
  const [writing, setWriting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const accountsByKey = useMemo(() => new Map((accounts.data ?? []).map((account) => [account.key, account])), [accounts.data]);

  const latestMine = useLatest();
  const loadMine = () =>
    latestMine(
      () =>
        post<Page<InteractionSearchItem>>('/interactions/search', {
          agentId: user.id,
          status: 'open',
          sort: 'lastMessageAt',
          order: 'desc',
          limit: 100,
        }),
      // One passed on by transfer is no longer the agent's to work: it leaves the list (it comes back if nobody takes it).
      (page) => setMine(page.items.filter((interaction) => isHeldState(interaction.routingState))),
    );
  const reload = () => {
    loadOffers().catch(setError);
    loadMine().catch(setError);
    unassigned.load().catch(setError);
  };

  useEffect(reload, [user.id]);

  /** After a (re)connection the presence may have changed unseen: the server's word again. */
  const refreshUser = () => {
    get<User>('/me').then(onUserChange).catch(setError);
  };

  useLiveEvents((event) => {
    // The server's presence, whoever changed it (routing pauses an agent who let an offer go): shown at once, and
    // the offers it took back leave the list.
    if (event.data?.kind === 'presence') {
      // A supervisor's or admin's stream also carries their agents' presence: only their own is theirs.
      if (event.data.userId !== user.id) return;
      onUserChange({ ...user, presence: event.data.presence, pauseStatusId: event.data.pauseStatusId });
      return reload();
    }
    if (event.event === 'connected') {
      refreshUser();
      return reload();
    }
    if (event.event === 'offer') return reload();
    if (event.data?.kind === 'routing') {
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

  /** The interaction just accepted: its view takes the focus when it opens (the keyboard user goes on from there). */
  const [focusOnOpen, setFocusOnOpen] = useState<number | null>(null);
  const selectedSummary = mine.find((interaction) => interaction.id === selected);
  useEffect(() => {
    document.title = tabTitle(
      offers.map((offer) => offer.accountKey),
      selectedSummary?.accountKey ?? null,
    );
  }, [offers, selectedSummary]);

  const answer = async (offer: PendingOffer, response: 'accept' | 'reject') => {
    try {
      await post(`/offers/${offer.id}/${response}`);
      setError(null);
      if (response === 'accept') {
        setFocusOnOpen(offer.interactionId);
        setSelected(offer.interactionId);
      }
    } catch (failure) {
      setError(failure);
    }
    reload();
  };

  const [helpOpen, setHelpOpen] = useState(false);
  useDeskShortcuts((command) => {
    if (command === 'help') return setHelpOpen(true);
    if (command === 'accept' || command === 'reject') {
      if (offers[0]) void answer(offers[0], command);
      return;
    }
    sendInteractionCommand(command);
  });

  return (
    <main class="desk">
      <h1 class="sr-only">Agent desk</h1>
      {user.role === 'admin' && <FirstRun />}
      <PresenceControl user={user} onUserChange={onUserChange} />
      <button type="button" class="link shortcut-hint" aria-keyshortcuts="?" onClick={() => setHelpOpen(true)}>
        Keyboard shortcuts (?)
      </button>
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
      <MySettings user={user} onUserChange={onUserChange} />
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
            <button type="button" class="small" aria-pressed={writing} onClick={() => setWriting(true)}>
              New email
            </button>
            {/* A tablist must hold tabs: none is shown while the agent holds nothing. */}
            {mine.length === 0 && <p class="muted">None open.</p>}
            <div
              role="tablist"
              aria-orientation="vertical"
              class="interaction-tabs"
              hidden={mine.length === 0}
              onKeyDown={onTabListKeyDown}
            >
              {mine.map((interaction) => {
                // The one open is being read (opening it marks it read on the server).
                const unread = !interaction.read && interaction.id !== selected;
                return (
                  <button
                    key={interaction.id}
                    type="button"
                    role="tab"
                    class={unread ? 'unread' : undefined}
                    aria-selected={interaction.id === selected}
                    onClick={() => {
                      setWriting(false);
                      setSelected(interaction.id);
                    }}
                  >
                    {unread && <span class="sr-only">Unread: </span>}
                    <span class="account-key">{interaction.accountKey}</span>
                    <span class="tab-subject">
                      #{interaction.id} {interaction.subject || '(no subject)'}
                    </span>
                    <span class="muted">{interaction.customerEmail}</span>
                  </button>
                );
              })}
            </div>
          </section>
          <UnassignedList
            items={unassigned.items}
            onError={setError}
            onPickedUp={(interactionId) => {
              setError(null);
              setFocusOnOpen(interactionId);
              setSelected(interactionId);
              reload();
            }}
          />
        </aside>
        <section class="desk-main" role="tabpanel" aria-label="Interaction">
          {writing ? (
            <NewEmail
              accounts={accounts.data ?? []}
              user={user}
              onCancel={() => setWriting(false)}
              onSent={(interactionId) => {
                setWriting(false);
                setFocusOnOpen(interactionId);
                setSelected(interactionId);
                reload();
              }}
            />
          ) : selected !== null ? (
            <InteractionView
              key={selected}
              interactionId={selected}
              accounts={accounts.data ?? []}
              user={user}
              version={detailVersion}
              focusOnOpen={focusOnOpen === selected}
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
