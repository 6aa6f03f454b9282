/** What the supervisor does with the ticked interactions: export them as CSV, or delete them permanently. */
import { download, post } from '../api';

export function SelectionActions({
  selected,
  onError,
  onDeleted,
}: {
  selected: Set<number>;
  onError: (error: unknown) => void;
  onDeleted: (count: number) => void;
}) {
  return (
    <>
      <button
        type="button"
        disabled={selected.size === 0}
        onClick={async () => {
          try {
            await download('POST', '/interactions/export', 'interactions.csv', { ids: [...selected], bom: true });
          } catch (failure) {
            onError(failure);
          }
        }}
      >
        Export CSV ({selected.size})
      </button>
      <button
        type="button"
        class="danger"
        disabled={selected.size === 0}
        onClick={async () => {
          if (!confirm(`Delete ${selected.size} interaction(s) permanently, with their emails and attachments?`)) return;
          try {
            const result = await post<{ deleted: number }>('/interactions/bulk-delete', { ids: [...selected], confirm: true });
            onDeleted(result.deleted);
          } catch (failure) {
            onError(failure);
          }
        }}
      >
        Delete selected
      </button>
    </>
  );
}
