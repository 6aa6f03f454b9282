/**
 * The action plan editor: steps in order (queue, agent, autoreply, close, noop, gotoif, gotop, tag,
 * priority, webhook), published as a new version; the API's validation messages are shown on the steps.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ActionStep } from '../../../domain/action-plan-schema';
import { ApiError, get, listAll, put } from '../api';
import type { Account, Disposition, Page, Queue, User } from '../types';
import { ErrorText, formatDate, Notice, useLoad } from '../ui';
import { AccountPicker } from './Resources';

type Values = Record<string, string | boolean>;
interface StepDraft {
  key: number;
  type: ActionStep['type'];
  values: Values;
}

const STEP_TYPES: Array<[ActionStep['type'], string]> = [
  ['queue', 'Queue'],
  ['agent', 'Agent'],
  ['autoreply', 'Autoreply'],
  ['close', 'Close'],
  ['noop', 'No operation'],
  ['gotoif', 'Go to if (condition)'],
  ['gotop', 'Go to if (working time)'],
  ['tag', 'Tag'],
  ['priority', 'Priority'],
  ['webhook', 'Webhook'],
];

const DEFAULT_SCHEDULE = JSON.stringify(
  { timezone: 'Europe/Rome', intervals: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }], holidays: [] },
  null,
  1,
);

const DEFAULTS: Record<ActionStep['type'], Values> = {
  queue: { queueId: '', timeoutSeconds: '300' },
  agent: { agentId: '', timeoutSeconds: '300' },
  autoreply: { template: '', mode: 'first-message', replyAll: false },
  close: { dispositionId: '' },
  noop: {},
  gotoif: { field: 'subject', header: '', operator: 'contains', value: '', then: '', else: '' },
  gotop: { schedule: DEFAULT_SCHEDULE, then: '', else: '' },
  tag: { tags: '' },
  priority: { priority: '0' },
  webhook: { url: '', timeoutSeconds: '10' },
};

let nextKey = 1;

function fromStep(step: ActionStep): StepDraft {
  const values: Values = { ...DEFAULTS[step.type], label: step.label ?? '' };
  for (const [name, value] of Object.entries(step)) {
    if (name === 'type' || name === 'label') continue;
    if (name === 'condition') Object.assign(values, Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, String(v)])));
    else if (name === 'schedule') values.schedule = JSON.stringify(value, null, 1);
    else if (name === 'tags') values.tags = (value as string[]).join(', ');
    else values[name] = typeof value === 'boolean' ? value : String(value);
  }
  return { key: nextKey++, type: step.type, values };
}

class StepInputError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/** The draft as the API takes it. Empty inputs are left out, so the API names what is missing. */
function toStep(draft: StepDraft, index: number): Record<string, unknown> {
  const v = draft.values;
  const text = (name: string) =>
    typeof v[name] === 'string' && (v[name] as string).trim() !== '' ? (v[name] as string).trim() : undefined;
  const number = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
  const step: Record<string, unknown> = { type: draft.type, label: text('label') };
  switch (draft.type) {
    case 'queue':
      Object.assign(step, { queueId: number('queueId'), timeoutSeconds: number('timeoutSeconds') });
      break;
    case 'agent':
      Object.assign(step, { agentId: number('agentId'), timeoutSeconds: number('timeoutSeconds') });
      break;
    case 'autoreply':
      Object.assign(step, { template: v.template, mode: v.mode, replyAll: v.replyAll === true });
      break;
    case 'close':
      step.dispositionId = number('dispositionId');
      break;
    case 'gotoif':
      step.condition = {
        field: v.field,
        operator: v.operator,
        ...(v.field === 'header' ? { header: text('header') } : {}),
        ...(v.operator !== 'isEmpty' ? { value: typeof v.value === 'string' ? v.value : '' } : {}),
      };
      Object.assign(step, { then: text('then'), else: text('else') });
      break;
    case 'gotop':
      try {
        step.schedule = JSON.parse(String(v.schedule)) as unknown;
      } catch {
        throw new StepInputError(index, 'the schedule is not valid JSON');
      }
      Object.assign(step, { then: text('then'), else: text('else') });
      break;
    case 'tag':
      step.tags = String(v.tags)
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean);
      break;
    case 'priority':
      step.priority = number('priority');
      break;
    case 'webhook':
      Object.assign(step, { url: text('url'), timeoutSeconds: number('timeoutSeconds') });
      break;
    case 'noop':
      break;
  }
  return Object.fromEntries(Object.entries(step).filter(([, value]) => value !== undefined));
}

function Input({
  label,
  values,
  name,
  set,
  type = 'text',
}: {
  label: string;
  values: Values;
  name: string;
  set: (name: string, value: string) => void;
  type?: string;
}) {
  return (
    <label>
      {label}
      <input type={type as 'text'} value={String(values[name] ?? '')} onInput={(event) => set(name, event.currentTarget.value)} />
    </label>
  );
}

function Choice({
  label,
  values,
  name,
  set,
  options,
}: {
  label: string;
  values: Values;
  name: string;
  set: (name: string, value: string) => void;
  options: Array<[string, string]>;
}) {
  return (
    <label>
      {label}
      <select aria-label={label} value={String(values[name] ?? '')} onChange={(event) => set(name, event.currentTarget.value)}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function StepFields({
  draft,
  set,
  queues,
  agents,
  dispositions,
}: {
  draft: StepDraft;
  set: (name: string, value: string | boolean) => void;
  queues: Queue[];
  agents: User[];
  dispositions: Disposition[];
}) {
  const v = draft.values;
  const choose: [string, string] = ['', 'Choose…'];
  switch (draft.type) {
    case 'queue':
      return (
        <>
          <Choice
            label="Queue"
            name="queueId"
            values={v}
            set={set}
            options={[choose, ...queues.map((queue): [string, string] => [String(queue.id), queue.name])]}
          />
          <Input label="Timeout (s)" name="timeoutSeconds" type="number" values={v} set={set} />
        </>
      );
    case 'agent':
      return (
        <>
          <Choice
            label="Agent"
            name="agentId"
            values={v}
            set={set}
            options={[choose, ...agents.map((agent): [string, string] => [String(agent.id), agent.name])]}
          />
          <Input label="Timeout (s)" name="timeoutSeconds" type="number" values={v} set={set} />
        </>
      );
    case 'autoreply':
      return (
        <>
          <label class="grow">
            Template
            <textarea rows={2} value={String(v.template)} onInput={(event) => set('template', event.currentTarget.value)} />
          </label>
          <Choice
            label="Mode"
            name="mode"
            values={v}
            set={set}
            options={[
              ['first-message', 'first message'],
              ['once-per-sender', 'once per sender'],
              ['always', 'always'],
            ]}
          />
          <label class="inline">
            <input type="checkbox" checked={v.replyAll === true} onChange={(event) => set('replyAll', event.currentTarget.checked)} />
            reply all
          </label>
        </>
      );
    case 'close':
      return (
        <Choice
          label="Disposition"
          name="dispositionId"
          values={v}
          set={set}
          options={[['', '(none)'], ...dispositions.map((disposition): [string, string] => [String(disposition.id), disposition.name])]}
        />
      );
    case 'gotoif':
      return (
        <>
          <Choice
            label="Field"
            name="field"
            values={v}
            set={set}
            options={['from', 'to', 'cc', 'subject', 'body', 'header', 'tags', 'priority'].map((field): [string, string] => [field, field])}
          />
          {v.field === 'header' && <Input label="Header name" name="header" values={v} set={set} />}
          <Choice
            label="Operator"
            name="operator"
            values={v}
            set={set}
            options={['equals', 'contains', 'startsWith', 'endsWith', 'matches', 'greaterThan', 'lessThan', 'isEmpty'].map(
              (op): [string, string] => [op, op],
            )}
          />
          {v.operator !== 'isEmpty' && <Input label="Value" name="value" values={v} set={set} />}
          <Input label="Then go to (label or step number)" name="then" values={v} set={set} />
          <Input label="Else go to" name="else" values={v} set={set} />
        </>
      );
    case 'gotop':
      return (
        <>
          <label class="grow">
            Working time (JSON: timezone, intervals, holidays)
            <textarea rows={3} value={String(v.schedule)} onInput={(event) => set('schedule', event.currentTarget.value)} />
          </label>
          <Input label="In working time go to" name="then" values={v} set={set} />
          <Input label="Else go to" name="else" values={v} set={set} />
        </>
      );
    case 'tag':
      return <Input label="Tags (comma-separated)" name="tags" values={v} set={set} />;
    case 'priority':
      return <Input label="Priority (0–100)" name="priority" type="number" values={v} set={set} />;
    case 'webhook':
      return (
        <>
          <Input label="URL" name="url" values={v} set={set} />
          <Input label="Timeout (s)" name="timeoutSeconds" type="number" values={v} set={set} />
        </>
      );
    case 'noop':
      return null;
  }
}

interface PlanVersion {
  version: number;
  steps: ActionStep[];
  createdAt: string;
}

export function ActionPlanEditor() {
  const accounts = useLoad(() => listAll<Account>('/accounts'), []);
  const [accountId, setAccountId] = useState<number | null>(null);
  const [steps, setSteps] = useState<StepDraft[]>([]);
  const [loadedVersion, setLoadedVersion] = useState<number | null>(null);
  /** The account whose current plan is in the editor (null while it loads: nothing to edit yet). */
  const [loadedAccount, setLoadedAccount] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [published, setPublished] = useState<number | null>(null);
  const [versionsGeneration, setVersionsGeneration] = useState(0);
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
  const versions = useLoad(
    () =>
      accountId
        ? get<Page<PlanVersion>>(`/accounts/${accountId}/action-plan/versions?sort=version&order=desc&limit=20`).then((page) => page.items)
        : Promise.resolve([]),
    [accountId, versionsGeneration],
  );

  const load = (plan: PlanVersion | null) => {
    setSteps(plan ? plan.steps.map(fromStep) : []);
    setLoadedVersion(plan?.version ?? null);
    setError(null);
    setPublished(null);
  };
  useEffect(() => {
    if (!accountId) return;
    setLoadedAccount(null);
    let current = true;
    const show = (plan: PlanVersion | null) => {
      if (!current) return;
      load(plan);
      setLoadedAccount(accountId);
    };
    get<PlanVersion>(`/accounts/${accountId}/action-plan`).then(show, () => show(null));
    return () => {
      current = false;
    };
  }, [accountId]);

  const problems =
    error instanceof ApiError
      ? error.problems
      : error instanceof StepInputError
        ? [{ field: `steps.${error.index}`, reason: error.message }]
        : [];
  const problemsOf = (index: number) => problems.filter((problem) => new RegExp(`^(body\\.)?steps\\.${index}(\\.|$)`).test(problem.field));
  const update = (key: number, change: (draft: StepDraft) => StepDraft) => {
    setSteps(steps.map((draft) => (draft.key === key ? change(draft) : draft)));
    setPublished(null);
  };
  const move = (index: number, by: number) => {
    const next = [...steps];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    setSteps(next);
  };

  return (
    <section aria-labelledby="plan-title" class="plan-editor">
      <h2 id="plan-title">Action plan</h2>
      <AccountPicker accounts={accounts.data ?? []} value={accountId} onChange={setAccountId} />
      {accountId !== null && loadedAccount !== accountId && <p class="muted">Loading…</p>}
      {accountId !== null && loadedAccount === accountId && (
        <form
          aria-label="Action plan steps"
          onSubmit={async (event) => {
            event.preventDefault();
            try {
              const body = { steps: steps.map(toStep) };
              const plan = await put<PlanVersion>(`/accounts/${accountId}/action-plan`, body);
              setPublished(plan.version);
              setLoadedVersion(plan.version);
              setError(null);
              setVersionsGeneration((value) => value + 1);
            } catch (failure) {
              setError(failure);
            }
          }}
        >
          <p class="muted">
            {loadedVersion ? `Editing from version ${loadedVersion}.` : 'No plan published yet.'} Publishing makes a new version;
            interactions in flight keep the version they started with.
          </p>
          <ol class="plan-steps">
            {steps.map((draft, index) => {
              const stepProblems = problemsOf(index);
              const set = (name: string, value: string | boolean) =>
                update(draft.key, (current) => ({ ...current, values: { ...current.values, [name]: value } }));
              return (
                <li
                  key={draft.key}
                  class={`plan-step${stepProblems.length ? ' invalid' : ''}`}
                  aria-label={`Step ${index + 1}`}
                  data-step={index + 1}
                >
                  <span class="step-number">{index + 1}</span>
                  <label>
                    Type
                    <select
                      aria-label="Type"
                      value={draft.type}
                      onChange={(event) => {
                        const type = event.currentTarget.value as ActionStep['type'];
                        update(draft.key, (current) => ({
                          ...current,
                          type,
                          values: { ...DEFAULTS[type], label: current.values.label ?? '' },
                        }));
                      }}
                    >
                      {STEP_TYPES.map(([type, name]) => (
                        <option key={type} value={type}>
                          {name}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    Label
                    <input
                      value={String(draft.values.label ?? '')}
                      size={10}
                      onInput={(event) => set('label', event.currentTarget.value)}
                    />
                  </label>
                  <StepFields
                    draft={draft}
                    set={set}
                    queues={queues.data ?? []}
                    agents={agents.data ?? []}
                    dispositions={dispositions.data ?? []}
                  />
                  <span class="actions">
                    <button
                      type="button"
                      class="small"
                      aria-label={`Move step ${index + 1} up`}
                      disabled={index === 0}
                      onClick={() => move(index, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      class="small"
                      aria-label={`Move step ${index + 1} down`}
                      disabled={index === steps.length - 1}
                      onClick={() => move(index, 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      class="small danger"
                      aria-label={`Remove step ${index + 1}`}
                      onClick={() => setSteps(steps.filter((other) => other.key !== draft.key))}
                    >
                      Remove
                    </button>
                  </span>
                  {stepProblems.map((problem) => (
                    <p key={problem.field + problem.reason} class="error">
                      {problem.field.replace(/^(body\.)?steps\.\d+\.?/, '') || 'step'}: {problem.reason}
                    </p>
                  ))}
                </li>
              );
            })}
          </ol>
          <div class="actions">
            <button
              type="button"
              onClick={() => setSteps([...steps, { key: nextKey++, type: 'queue', values: { ...DEFAULTS.queue, label: '' } }])}
            >
              Add step
            </button>
            <button type="submit" class="primary">
              Publish new version
            </button>
          </div>
          {published !== null && <Notice>Published version {published}.</Notice>}
          {error !== null && (
            <div class="problems" role="alert">
              <p>The API refused this plan: {error instanceof Error ? error.message : String(error)}</p>
              {problems.length > 0 && (
                <ul>
                  {problems.map((problem) => (
                    <li key={problem.field + problem.reason}>
                      {problem.field.replace(
                        /^(body\.)?steps\.(\d+)\.?(.*)$/,
                        (_, _body, index: string, rest: string) => `Step ${Number(index) + 1}${rest ? ` (${rest})` : ''}`,
                      )}
                      : {problem.reason}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </form>
      )}
      {accountId !== null && (
        <details>
          <summary>Versions ({versions.data?.length ?? 0})</summary>
          <ErrorText error={versions.error} />
          <ul>
            {versions.data?.map((plan) => (
              <li key={plan.version}>
                Version {plan.version} · {formatDate(plan.createdAt)} · {plan.steps.length} step(s){' '}
                <button type="button" class="small" onClick={() => load(plan)}>
                  Load into editor
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
