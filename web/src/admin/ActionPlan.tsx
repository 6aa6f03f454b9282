/**
 * The action plan editor: steps in order (queue, agent, autoreply, close, noop, gotoif, gotop, tag, priority,
 * webhook), published as a new version; the API's validation messages are shown on the steps they concern.
 * The model is in action-plan/ (drafts, field lists, the editor's state); this file lays it out.
 */
import { useState } from 'preact/hooks';
import { AccountPicker } from '../AccountPicker';
import { get, listAll } from '../api';
import type { Account, Calendar, Disposition, Queue, User } from '../types';
import { Notice, useLoad } from '../ui';
import { PlanProblems, problemsOf, problemsOfStep } from './action-plan/problems';
import type { StepLists } from './action-plan/step-fields';
import { StepItem } from './action-plan/StepItem';
import { usePlanEditor } from './action-plan/usePlanEditor';
import { Versions } from './action-plan/Versions';

/** The account's queues, agents, dispositions and calendars, which the steps choose from. */
function useStepLists(accountId: number | null): StepLists {
  const queues = useLoad(
    () => (accountId ? get<{ items: Queue[] }>(`/accounts/${accountId}/queues`).then((r) => r.items) : Promise.resolve([])),
    [accountId],
  );
  const agents = useLoad(
    () => (accountId ? get<{ items: User[] }>(`/accounts/${accountId}/agents`).then((r) => r.items) : Promise.resolve([])),
    [accountId],
  );
  const dispositions = useLoad(
    () => (accountId ? listAll<Disposition>(`/accounts/${accountId}/dispositions`) : Promise.resolve([])),
    [accountId],
  );
  const calendars = useLoad(() => (accountId ? listAll<Calendar>(`/accounts/${accountId}/calendars`) : Promise.resolve([])), [accountId]);
  return { queues: queues.data ?? [], agents: agents.data ?? [], dispositions: dispositions.data ?? [], calendars: calendars.data ?? [] };
}

export function ActionPlanEditor() {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const [accountId, setAccountId] = useState<number | null>(null);
  const lists = useStepLists(accountId);
  const editor = usePlanEditor(accountId);
  const problems = problemsOf(editor.error);

  return (
    <section aria-labelledby="plan-title" class="plan-editor">
      <h2 id="plan-title">Action plan</h2>
      <AccountPicker accounts={accounts.data ?? []} value={accountId} onChange={setAccountId} />
      {accountId !== null && !editor.ready && <p class="muted">Loading…</p>}
      {editor.ready && (
        <form
          aria-label="Action plan steps"
          onSubmit={(event) => {
            event.preventDefault();
            void editor.publish();
          }}
        >
          <p class="muted">
            {editor.loadedVersion ? `Editing from version ${editor.loadedVersion}.` : 'No plan published yet.'} Publishing makes a new
            version; interactions in flight keep the version they started with.
          </p>
          <ol class="plan-steps">
            {editor.steps.map((draft, index) => (
              <StepItem
                key={draft.key}
                draft={draft}
                index={index}
                count={editor.steps.length}
                lists={lists}
                problems={problemsOfStep(problems, index)}
                dispatch={editor.dispatch}
              />
            ))}
          </ol>
          <div class="actions">
            <button type="button" onClick={() => editor.dispatch({ type: 'add' })}>
              Add step
            </button>
            <button type="submit" class="primary">
              Publish new version
            </button>
          </div>
          {editor.published !== null && <Notice>Published version {editor.published}.</Notice>}
          {editor.error !== null && <PlanProblems error={editor.error} problems={problems} />}
        </form>
      )}
      {accountId !== null && <Versions accountId={accountId} publications={editor.publications} onLoad={editor.load} />}
    </section>
  );
}
