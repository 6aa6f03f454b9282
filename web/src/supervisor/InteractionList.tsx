/** The interactions found: a selectable table (the selection feeds export and bulk delete); a subject opens the spy view. */
import type { InteractionSearchItem } from '../types';
import { interactionStateLabel } from '../labels';
import { RelativeTime } from '../ui';
import type { Selection } from './useSelection';

export function InteractionList({
  rows,
  selection,
  spyId,
  onSpy,
}: {
  rows: InteractionSearchItem[];
  selection: Selection;
  /** The interaction shown in the spy view, if any. */
  spyId: number | null;
  onSpy: (id: number) => void;
}) {
  const allSelected = rows.length > 0 && rows.every((row) => selection.selected.has(row.id));
  return (
    <div class="table-scroll">
      <table class="interaction-list">
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Select all shown"
                checked={allSelected}
                onChange={() => selection.set(allSelected ? [] : rows.map((row) => row.id))}
              />
            </th>
            <th scope="col">#</th>
            <th scope="col">Subject</th>
            <th scope="col">Customer</th>
            <th scope="col">State</th>
            <th scope="col">Agent</th>
            <th scope="col">Tags</th>
            <th scope="col">Priority</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-interaction-id={row.id} class={`${row.read ? '' : 'unread'}${row.id === spyId ? ' current' : ''}`}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select interaction ${row.id}`}
                  checked={selection.selected.has(row.id)}
                  onChange={() => selection.toggle(row.id)}
                />
              </td>
              <td>{row.id}</td>
              <td>
                <button type="button" class="link" onClick={() => onSpy(row.id)}>
                  {row.subject || '(no subject)'}
                </button>
              </td>
              <td>{row.customerName ? `${row.customerName} <${row.customerEmail}>` : row.customerEmail}</td>
              <td title={`${row.status} · ${row.routingState}`}>{interactionStateLabel(row, { agentName: row.agentName })}</td>
              <td>{row.agentName ?? ''}</td>
              <td class="tags-cell">
                {row.tags.map((tag) => (
                  <span key={tag} class="tag">
                    {tag}
                  </span>
                ))}
              </td>
              <td>{row.priority}</td>
              <td>
                <RelativeTime value={row.createdAt} />
              </td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={9} class="muted">
                No interactions match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
