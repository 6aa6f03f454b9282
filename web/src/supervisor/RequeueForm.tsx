/**
 * A supervisor sends an interaction that waits unassigned to one of its account's queues; if nobody takes it there,
 * it waits unassigned again.
 */
import { useState } from 'preact/hooks';
import { get, post } from '../api';
import type { Page } from '../types';
import { useLoad } from '../ui';

export function RequeueForm({
  interactionId,
  accountId,
  onDone,
  onError,
}: {
  interactionId: number;
  accountId: number;
  onDone: () => void;
  onError: (error: unknown) => void;
}) {
  const queues = useLoad(() => get<Page<{ id: number; name: string }>>(`/accounts/${accountId}/queues`), [accountId]);
  const [queueId, setQueueId] = useState('');
  return (
    <form
      aria-label="Send to a queue"
      class="inline-form"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await post(`/interactions/${interactionId}/requeue`, { queueId: Number(queueId) });
          onDone();
        } catch (failure) {
          onError(failure);
        }
      }}
    >
      <label>
        Send to queue
        <select required value={queueId} onChange={(event) => setQueueId(event.currentTarget.value)}>
          <option value="">Choose…</option>
          {(queues.data?.items ?? []).map((queue) => (
            <option key={queue.id} value={String(queue.id)}>
              {queue.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Send</button>
    </form>
  );
}
