/**
 * Each step type's inputs as data: name, label, starting value, when shown (StepFields.tsx renders them). The option
 * lists are typed against the domain's plan schema, so a field or operator the API does not know fails to compile.
 */
import type { ActionStep, AutoreplyMode, PlanCondition } from '../../../../domain/action-plan-schema';
import type { Calendar, Disposition, Queue, User } from '../../types';

/** A step's inputs: text as typed, checkboxes as booleans. */
export type Values = Record<string, string | boolean>;

/** What the choices are made from: the account's queues, agents, dispositions and calendars. */
export interface StepLists {
  queues: Queue[];
  agents: User[];
  dispositions: Disposition[];
  calendars: Calendar[];
}

type Options = Array<[value: string, text: string]>;

export type StepField = { name: string; label: string; initial: string | boolean; shown?: (values: Values) => boolean } & (
  | { kind: 'text' | 'number' }
  | { kind: 'choice'; options: (lists: StepLists) => Options }
  | { kind: 'textarea'; rows: number }
  | { kind: 'checkbox' }
);

/** Every step type with its name in the type menu, in the menu's order. */
export const STEP_TYPES: Record<ActionStep['type'], string> = {
  queue: 'Queue',
  agent: 'Agent',
  autoreply: 'Autoreply',
  close: 'Close',
  noop: 'No operation',
  gotoif: 'Go to if (condition)',
  gotop: 'Go to if (working time)',
  tag: 'Tag',
  priority: 'Priority',
  webhook: 'Webhook',
};

const CONDITION_FIELDS: Record<PlanCondition['field'], true> = {
  from: true,
  to: true,
  cc: true,
  subject: true,
  body: true,
  header: true,
  tags: true,
  priority: true,
};

const CONDITION_OPERATORS: Record<PlanCondition['operator'], true> = {
  equals: true,
  contains: true,
  startsWith: true,
  endsWith: true,
  matches: true,
  greaterThan: true,
  lessThan: true,
  isEmpty: true,
};

const AUTOREPLY_MODES: Record<AutoreplyMode, string> = {
  'first-message': 'first message',
  'once-per-sender': 'once per sender',
  always: 'always',
};

const DEFAULT_SCHEDULE = JSON.stringify(
  { timezone: 'Europe/Rome', intervals: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }], holidays: [] },
  null,
  1,
);

const same = (names: object): Options => Object.keys(names).map((name) => [name, name]);
const choose: [string, string] = ['', 'Choose…'];
const timeout = (initial: string): StepField => ({ name: 'timeoutSeconds', label: 'Timeout (s)', kind: 'number', initial });
const elseTarget: StepField = { name: 'else', label: 'Else go to', kind: 'text', initial: '' };

export const STEP_FIELDS: Record<ActionStep['type'], StepField[]> = {
  queue: [
    {
      name: 'queueId',
      label: 'Queue',
      kind: 'choice',
      initial: '',
      options: ({ queues }) => [choose, ...queues.map((queue): [string, string] => [String(queue.id), queue.name])],
    },
    timeout('300'),
  ],
  agent: [
    {
      name: 'agentId',
      label: 'Agent',
      kind: 'choice',
      initial: '',
      options: ({ agents }) => [choose, ...agents.map((agent): [string, string] => [String(agent.id), agent.name])],
    },
    timeout('300'),
  ],
  autoreply: [
    { name: 'template', label: 'Template', kind: 'textarea', rows: 2, initial: '' },
    { name: 'mode', label: 'Mode', kind: 'choice', initial: 'first-message', options: () => Object.entries(AUTOREPLY_MODES) },
    { name: 'replyAll', label: 'reply all', kind: 'checkbox', initial: false },
  ],
  close: [
    {
      name: 'dispositionId',
      label: 'Disposition',
      kind: 'choice',
      initial: '',
      options: ({ dispositions }) => [
        ['', '(none)'],
        ...dispositions.map((disposition): [string, string] => [String(disposition.id), disposition.name]),
      ],
    },
  ],
  noop: [],
  gotoif: [
    { name: 'field', label: 'Field', kind: 'choice', initial: 'subject', options: () => same(CONDITION_FIELDS) },
    { name: 'header', label: 'Header name', kind: 'text', initial: '', shown: (values) => values.field === 'header' },
    { name: 'operator', label: 'Operator', kind: 'choice', initial: 'contains', options: () => same(CONDITION_OPERATORS) },
    { name: 'value', label: 'Value', kind: 'text', initial: '', shown: (values) => values.operator !== 'isEmpty' },
    { name: 'then', label: 'Then go to (label or step number)', kind: 'text', initial: '' },
    elseTarget,
  ],
  gotop: [
    {
      name: 'calendarId',
      label: 'Business-hours calendar',
      kind: 'choice',
      initial: '',
      options: (lists) => [
        ['', 'None: the schedule below'],
        ...lists.calendars.map((calendar): [string, string] => [String(calendar.id), calendar.name]),
      ],
    },
    {
      name: 'schedule',
      label: 'Working time (JSON: timezone, intervals, holidays)',
      kind: 'textarea',
      rows: 3,
      initial: DEFAULT_SCHEDULE,
      shown: (values) => !values.calendarId,
    },
    { name: 'then', label: 'In working time go to', kind: 'text', initial: '' },
    elseTarget,
  ],
  tag: [{ name: 'tags', label: 'Tags (comma-separated)', kind: 'text', initial: '' }],
  priority: [{ name: 'priority', label: 'Priority (0–100)', kind: 'number', initial: '0' }],
  webhook: [{ name: 'url', label: 'URL', kind: 'text', initial: '' }, timeout('10')],
};
