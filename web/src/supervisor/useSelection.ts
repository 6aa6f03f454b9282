/** The interactions the supervisor ticked, by id. */
import { useState } from 'preact/hooks';

export interface Selection {
  selected: Set<number>;
  toggle: (id: number) => void;
  /** Exactly these (none with `[]`). */
  set: (ids: Iterable<number>) => void;
}

export function useSelection(): Selection {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  return {
    selected,
    toggle: (id) => {
      const next = new Set(selected);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      setSelected(next);
    },
    set: (ids) => setSelected(new Set(ids)),
  };
}
