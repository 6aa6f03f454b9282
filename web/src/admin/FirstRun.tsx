/**
 * A new admin's first steps, on the desk until the platform routes its first email: connect a mailbox, give it a
 * queue, put agents in the queue, send a test email. Each step says whether it is done and links to where it is done.
 */
import { useState } from 'preact/hooks';
import { get, post } from '../api';
import { navigate } from '../router';
import type { Account, Page } from '../types';
import { useLoad } from '../ui';

const HIDDEN_KEY = 'mailroute.first-run.hidden';

interface Step {
  title: string;
  help: string;
  done: boolean;
  section?: string;
}

async function loadSteps(): Promise<Step[]> {
  const accounts = await get<Page<Account>>('/accounts?limit=1');
  const account = accounts.items[0];
  const queues = account ? (await get<{ items: Array<{ id: number }> }>(`/accounts/${account.id}/queues`)).items : [];
  const members = queues[0] ? (await get<{ members: unknown[] }>(`/queues/${queues[0].id}/members`)).members : [];
  const routed = account
    ? (await post<Page<unknown>>('/interactions/search', { accountId: account.id, limit: 1 })).items.length > 0
    : false;
  return [
    {
      title: 'Connect a mailbox',
      help: 'An email account: the IMAP server mail is read from and the SMTP server replies go through.',
      done: account !== undefined,
      section: 'accounts',
    },
    {
      title: 'Give it a queue',
      help: 'Create a queue and link it to the account; without an action plan, emails are offered to its queues.',
      done: queues.length > 0,
      section: 'queues',
    },
    {
      title: 'Put agents in the queue',
      help: 'Create agents (with a password to sign in) and make them members of the queue.',
      done: members.length > 0,
      section: 'users',
    },
    {
      title: 'Route a first email',
      help: `An agent goes online; send an email to ${account?.emailAddress ?? 'the account’s address'} and it is offered on their desk.`,
      done: routed,
    },
  ];
}

export function FirstRun() {
  const [hidden, setHidden] = useState(localStorage.getItem(HIDDEN_KEY) === 'yes');
  const steps = useLoad(() => (hidden ? Promise.resolve([]) : loadSteps()), [hidden]);
  if (hidden || !steps.data || steps.data.every((step) => step.done)) return null;
  return (
    <section class="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Getting started</h2>
      <ol>
        {steps.data.map((step) => (
          <li key={step.title} class={step.done ? 'done' : ''}>
            <span class="state">{step.done ? '✓ Done' : 'To do'}</span>{' '}
            {step.section && !step.done ? (
              <a
                href={`/app/admin/${step.section}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(`/admin/${step.section}`);
                }}
              >
                {step.title}
              </a>
            ) : (
              <strong>{step.title}</strong>
            )}
            <p class="muted">{step.help}</p>
          </li>
        ))}
      </ol>
      <button
        type="button"
        class="link"
        onClick={() => {
          localStorage.setItem(HIDDEN_KEY, 'yes');
          setHidden(true);
        }}
      >
        Hide this checklist
      </button>
    </section>
  );
}
