/**
 * A supervisor sends an interaction that waits unassigned to one of its account's queues (the account's queues
 * come from its transfer targets); if nobody takes it there, it waits unassigned again.
 */
import { useState } from 'preact/hooks';
import { get, post } from '../api';
import { useLoad } from '../ui';

export function RequeueForm({
  interactionId,
  onDone,
  onError,
}: {
  interactionId: number;
  onDone: () => void;
  onError: (error: unknown) => void;
}) {
  const targets = useLoad(
    () => get<{ queues: Array<{ id: number; name: string }> }>(`/interactions/${interactionId}/transfer-targets`),
    [interactionId],
  );
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
          {(targets.data?.queues ?? []).map((queue) => (
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
