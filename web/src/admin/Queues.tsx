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

interface Member {
  weight: number;
  priority: number;
}

/** One number of a member: a labelled input that keeps the value within its range. */
function MemberNumber({
  label,
  who,
  value,
  max,
  help,
  onChange,
}: {
  label: string;
  /** The member's name, read after the label ("Weight of Ada"). */
  who: string;
  value: number;
  max: number;
  help: string;
  onChange: (value: number) => void;
}) {
  return (
    <label class="inline">
      {label}
      <span class="sr-only"> of {who}</span>
      <input
        type="number"
        min={0}
        max={max}
        required
        aria-describedby={help}
        value={value}
        onInput={(event) => onChange(Math.max(0, Math.min(max, Math.round(Number(event.currentTarget.value) || 0))))}
      />
    </label>
  );
}

function QueueMembers({ queue, users }: { queue: Queue; users: User[] }) {
  const members = useLoad(() => get<QueueMembers>(`/queues/${queue.id}/members`), [queue.id]);
  /** Agent id → priority and weight, once the admin changed something. */
  const [draft, setDraft] = useState<Map<number, Member> | null>(null);
  const current =
    draft ?? new Map(members.data?.members.map((member) => [member.agentId, { weight: member.weight, priority: member.priority }]));
  const change = (agentId: number, member: Member | null) => {
    const next = new Map(current);
    if (member) next.set(agentId, member);
    else next.delete(agentId);
    setDraft(next);
  };
  const helpId = `queue-${queue.id}-members-help`;
  return (
    <SaveForm
      label="Queue members"
      submitLabel="Save members"
      loadError={members.error}
      onSave={() => put(`/queues/${queue.id}/members`, { members: [...current].map(([agentId, member]) => ({ agentId, ...member })) })}
    >
      <fieldset>
        <legend>Members of {queue.name}</legend>
        <p class="muted help" id={helpId}>
          Offers go to free members by priority first (0 first, up to 100), then among equal priorities by weight (10 first, down to 0),
          then by the queue’s strategy.
        </p>
        {users
          .filter((user) => user.role !== 'admin')
          .map((user) => {
            const member = current.get(user.id);
            return (
              <div key={user.id} class="member-row" data-member={user.name}>
                <label class="inline">
                  <input
                    type="checkbox"
                    checked={member !== undefined}
                    onChange={(event) => change(user.id, event.currentTarget.checked ? { weight: 0, priority: 0 } : null)}
                  />
                  {user.name}
                </label>
                {member && (
                  <>
                    <MemberNumber
                      label="Priority"
                      who={user.name}
                      value={member.priority}
                      max={100}
                      help={helpId}
                      onChange={(priority) => change(user.id, { ...member, priority })}
                    />
                    <MemberNumber
                      label="Weight"
                      who={user.name}
                      value={member.weight}
                      max={10}
                      help={helpId}
                      onChange={(weight) => change(user.id, { ...member, weight })}
                    />
                  </>
                )}
              </div>
            );
          })}
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
