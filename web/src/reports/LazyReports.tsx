/** The reports page, fetched on first visit (import()): its charts and tables stay out of the first load. */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { User } from '../types';
import { ErrorText } from '../ui';

type ReportsPage = FunctionComponent<{ user: User }>;
let loading: Promise<ReportsPage> | undefined;

export function LazyReports({ user }: { user: User }) {
  const [Page, setPage] = useState<ReportsPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    loading ??= import('./Reports').then((module) => module.Reports);
    loading.then((page) => setPage(() => page), setError);
  }, []);
  if (Page) return <Page user={user} />;
  return (
    <main class="reports">
      <ErrorText error={error} />
      {!error && <p class="notice">Loading reports…</p>}
    </main>
  );
}
