/**
 * The admin pages: accounts and memberships, agents, queues, pause statuses, dispositions, canned answers, action plans,
 * mailboxes (the watcher and quarantine) and the platform's settings.
 */
import { navigate, usePath } from '../router';
import { onTabListKeyDown } from '../ui';
import { Accounts } from './Accounts';
import { ActionPlanEditor } from './ActionPlan';
import { ContactLists } from './ContactLists';
import { Mailboxes } from './Mailboxes';
import { Queues } from './Queues';
import { CannedAnswers, Dispositions, PauseStatuses, Users } from './Resources';
import { Settings } from './Settings';

const SECTIONS = {
  accounts: ['Accounts', Accounts],
  users: ['Agents', Users],
  queues: ['Queues', Queues],
  pauses: ['Pause statuses', PauseStatuses],
  dispositions: ['Dispositions', Dispositions],
  canned: ['Canned answers', CannedAnswers],
  contacts: ['Contact lists', ContactLists],
  mailboxes: ['Mailboxes', Mailboxes],
  settings: ['Settings', Settings],
  // Last: the admin tests reach it with End.
  plan: ['Action plan', ActionPlanEditor],
} as const;
type Section = keyof typeof SECTIONS;

export function Admin() {
  // Each section has its address ("/admin/queues"); the old "?section=queues" links still open it.
  const path = usePath();
  const named = path.split('/')[2] ?? new URLSearchParams(location.search).get('section');
  const section: Section = named && named in SECTIONS ? (named as Section) : 'accounts';
  const [, Component] = SECTIONS[section];
  return (
    <main class="admin">
      <h1 class="sr-only">Admin</h1>
      <nav class="admin-nav" role="tablist" onKeyDown={onTabListKeyDown} aria-label="Admin sections" aria-orientation="vertical">
        {(Object.keys(SECTIONS) as Section[]).map((name) => (
          <button key={name} type="button" role="tab" aria-selected={name === section} onClick={() => navigate(`/admin/${name}`)}>
            {SECTIONS[name][0]}
          </button>
        ))}
      </nav>
      <div role="tabpanel" aria-label={SECTIONS[section][0]}>
        <Component />
      </div>
    </main>
  );
}
