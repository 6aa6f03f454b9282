/** Admin: queues (strategy, offer timeout, the pause for agents who let offers time out) and their members. */
import { useState } from 'preact/hooks';
import type { QueueStrategy } from '../../../domain/offer-order';
import { get, listAll, put } from '../api';
import type { PauseStatus, Queue, QueueMembers, User } from '../types';
import { useLoad } from '../ui';
import { Crud } from './Crud';
import { SaveForm } from './forms';

/** Every strategy the routing knows (domain/offer-order.ts), as the form names it. */
const STRATEGIES: Record<QueueStrategy, string> = {
  beepall: 'Ring all (beepall)',
  rrmemory: 'Round robin with memory',
  leastrecent: 'Least recent',
  fewestcalls: 'Fewest interactions',
  random: 'Random',
};

function QueueMembers({ queue, users }: { queue: Queue; users: User[] }) {
  const members = useLoad(() => get<QueueMembers>(`/queues/${queue.id}/members`), [queue.id]);
  /** Agent id → priority, once the admin changed something. */
  const [draft, setDraft] = useState<Map<number, number> | null>(null);
  const current = draft ?? new Map(members.data?.members.map((member) => [member.agentId, member.priority]));
  return (
    <SaveForm
      label="Queue members"
      submitLabel="Save members"
      loadError={members.error}
      onSave={() => put(`/queues/${queue.id}/members`, { members: [...current].map(([agentId, priority]) => ({ agentId, priority })) })}
    >
      <fieldset>
        <legend>Members of {queue.name}</legend>
        {users
          .filter((user) => user.role !== 'admin')
          .map((user) => (
            <div key={user.id} class="member-row">
              <label class="inline">
                <input
                  type="checkbox"
                  checked={current.has(user.id)}
                  onChange={(event) => {
                    const next = new Map(current);
                    if (event.currentTarget.checked) next.set(user.id, 0);
                    else next.delete(user.id);
                    setDraft(next);
                  }}
                />
                {user.name}
              </label>
              {current.has(user.id) && (
                <label class="inline">
                  priority
                  <input
                    type="number"
                    min={0}
                    max={100}
                    value={current.get(user.id)}
                    onInput={(event) => setDraft(new Map(current).set(user.id, Number(event.currentTarget.value)))}
                  />
                </label>
              )}
            </div>
          ))}
      </fieldset>
    </SaveForm>
  );
}

export function Queues() {
  const users = useLoad(() => listAll<User>('/users'), []);
  const pauses = useLoad(() => listAll<PauseStatus>('/pause-statuses'), []);
  return (
    <Crud<Queue>
      title="Queues"
      singular="queue"
      path="/queues"
      nameOf={(queue) => queue.name}
      defaults={{ strategy: 'beepall', offerTimeoutSeconds: 30 }}
      fields={[
        { name: 'name', label: 'Name', kind: 'text', required: true },
        { name: 'description', label: 'Description', kind: 'text', nullable: true },
        {
          name: 'strategy',
          label: 'Strategy',
          kind: 'select',
          options: Object.entries(STRATEGIES),
        },
        { name: 'offerTimeoutSeconds', label: 'Offer timeout (s)', kind: 'number' },
        {
          name: 'notRespondingPauseStatusId',
          label: 'Pause an agent who lets an offer time out',
          kind: 'select',
          nullable: true,
          options: [['', '(no pause)'], ...(pauses.data ?? []).map((pause): [string, string] => [String(pause.id), pause.name])],
        },
      ]}
      columns={[
        { label: 'Name', value: (queue) => queue.name },
        { label: 'Strategy', value: (queue) => queue.strategy },
        { label: 'Offer timeout', value: (queue) => `${queue.offerTimeoutSeconds} s` },
      ]}
    >
      {(queue) => <QueueMembers key={queue.id} queue={queue} users={users.data ?? []} />}
    </Crud>
  );
}
