/**
 * The action plan editor's model: each step as a draft of input values (strings and checkboxes, as the inputs hold
 * them), read from a published step and turned back into the step the API takes. Pure.
 */
import type { ActionStep } from '../../../../domain/action-plan-schema';
import { STEP_FIELDS, type Values } from './step-fields';

export type StepType = ActionStep['type'];

export interface StepDraft {
  /** Stable across moves, for Preact's keys. */
  key: number;
  type: StepType;
  values: Values;
}

let nextKey = 1;

/** A step's inputs as a new step of `type` starts them, keeping its label. */
function initialValues(type: StepType, label: string | boolean = ''): Values {
  return { ...Object.fromEntries(STEP_FIELDS[type].map((field) => [field.name, field.initial])), label };
}

export function newDraft(type: StepType = 'queue'): StepDraft {
  return { key: nextKey++, type, values: initialValues(type) };
}

/** The same step as another type: that type's starting values, the label kept. */
export function retype(draft: StepDraft, type: StepType): StepDraft {
  return { ...draft, type, values: initialValues(type, draft.values.label ?? '') };
}

export function fromStep(step: ActionStep): StepDraft {
  const values = initialValues(step.type, step.label ?? '');
  for (const [name, value] of Object.entries(step)) {
    // A calendar's copy is the API's to make from calendarId.
    if (name === 'type' || name === 'label' || name === 'calendar') continue;
    if (name === 'condition') Object.assign(values, Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, String(v)])));
    else if (name === 'schedule') values.schedule = JSON.stringify(value, null, 1);
    else if (name === 'tags') values.tags = (value as string[]).join(', ');
    else values[name] = typeof value === 'boolean' ? value : String(value);
  }
  return { key: nextKey++, type: step.type, values };
}

/** An input the editor cannot turn into a step at all (the API never sees it). */
export class StepInputError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/** The draft as the API takes it. Empty inputs are left out, so the API names what is missing. */
export function toStep(draft: StepDraft, index: number): Record<string, unknown> {
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
      if (text('calendarId')) {
        step.calendarId = number('calendarId');
      } else {
        try {
          step.schedule = JSON.parse(String(v.schedule)) as unknown;
        } catch {
          throw new StepInputError(index, 'the schedule is not valid JSON');
        }
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

/** What the admin does to the list of steps. */
export type StepsAction =
  | { type: 'load'; steps: ActionStep[] }
  | { type: 'add' }
  | { type: 'set'; key: number; name: string; value: string | boolean }
  | { type: 'retype'; key: number; stepType: StepType }
  | { type: 'move'; index: number; by: number }
  | { type: 'remove'; key: number };

export function stepsReducer(steps: StepDraft[], action: StepsAction): StepDraft[] {
  switch (action.type) {
    case 'load':
      return action.steps.map(fromStep);
    case 'add':
      return [...steps, newDraft()];
    case 'set':
      return steps.map((draft) =>
        draft.key === action.key ? { ...draft, values: { ...draft.values, [action.name]: action.value } } : draft,
      );
    case 'retype':
      return steps.map((draft) => (draft.key === action.key ? retype(draft, action.stepType) : draft));
    case 'move': {
      const next = [...steps];
      const [moved] = next.splice(action.index, 1);
      next.splice(action.index + action.by, 0, moved!);
      return next;
    }
    case 'remove':
      return steps.filter((draft) => draft.key !== action.key);
  }
}
