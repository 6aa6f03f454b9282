/**
 * The supervisor's interactions search: the filters and advanced conditions being edited, and the rows found with
 * the cursor to more. A search uses the query as shown when it runs.
 */
import { useState } from 'preact/hooks';
import { post } from '../api';
import { useLatest } from '../ui';
import type { InteractionSearchItem, Page } from '../types';
import { toSearchRequest, type DraftCondition, type SimpleFilters } from './search';

export function useInteractionSearch(accountId: number | null) {
  const [filters, setFilters] = useState<SimpleFilters>({ status: '' });
  const [match, setMatch] = useState<'all' | 'any'>('all');
  const [conditions, setConditions] = useState<DraftCondition[]>([]);
  const [rows, setRows] = useState<InteractionSearchItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  /** The last failure of a search or of an action on the rows (export, delete); a successful search clears it. */
  const [error, setError] = useState<unknown>(null);
  const latest = useLatest();

  /** The first page, or with `more` the next one after the rows shown. */
  const search = async (more = false) => {
    if (accountId === null) return;
    const request = toSearchRequest({ ...filters, accountId }, match, conditions, { limit: 50, cursor: more ? cursor : null });
    try {
      await latest(
        () => post<Page<InteractionSearchItem>>('/interactions/search', request),
        (page) => {
          setRows(more ? [...rows, ...page.items] : page.items);
          setCursor(page.nextCursor);
          setError(null);
        },
      );
    } catch (failure) {
      setError(failure);
    }
  };

  return {
    query: { filters, setFilters, match, setMatch, conditions, setConditions },
    rows,
    cursor,
    error,
    setError,
    search,
    /** Rows deleted leave the list at once, before the next search confirms it. */
    drop: (ids: Set<number>) => setRows(rows.filter((row) => !ids.has(row.id))),
  };
}
