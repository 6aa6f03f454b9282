/**
 * The agent's presence: online, paused (with a reason), offline; the server answers with the user as they now are. While
 * paused, a banner says so and why (routing may pause an agent who let an offer go), with the way back.
 */
import { useState } from 'preact/hooks';
import { listAll, put } from '../api';
import type { PauseStatus, Presence, User } from '../types';
import { ErrorText, useLoad } from '../ui';

export function PresenceControl({ user, onUserChange }: { user: User; onUserChange: (user: User) => void }) {
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
    <>
      {user.presence === 'paused' && (
        <div class="presence-banner" role="status" data-testid="presence-banner">
          <span>You are paused{reason ? `: ${reason}` : ''}. No email is offered to you until you resume.</span>
          <button type="button" onClick={() => change('online')}>
            Resume
          </button>
        </div>
      )}
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
    </>
  );
}
