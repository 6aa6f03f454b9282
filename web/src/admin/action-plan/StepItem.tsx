/** One step of the plan being edited: its type, label and inputs, moving and removing it, and the API's problems with it. */
import type { FieldProblem } from '../../api';
import { type StepDraft, type StepsAction, type StepType } from './drafts';
import { withinStep } from './problems';
import { STEP_TYPES, type StepLists } from './step-fields';
import { StepFields } from './StepFields';

export function StepItem({
  draft,
  index,
  count,
  lists,
  problems,
  dispatch,
}: {
  draft: StepDraft;
  index: number;
  /** How many steps the plan has (the last one cannot move down). */
  count: number;
  lists: StepLists;
  problems: FieldProblem[];
  dispatch: (action: StepsAction) => void;
}) {
  const set = (name: string, value: string | boolean) => dispatch({ type: 'set', key: draft.key, name, value });
  const number = index + 1;
  return (
    <li class={`plan-step${problems.length ? ' invalid' : ''}`} aria-label={`Step ${number}`} data-step={number}>
      <span class="step-number">{number}</span>
      <label>
        Type
        <select
          aria-label="Type"
          value={draft.type}
          onChange={(event) => dispatch({ type: 'retype', key: draft.key, stepType: event.currentTarget.value as StepType })}
        >
          {Object.entries(STEP_TYPES).map(([type, name]) => (
            <option key={type} value={type}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Label
        <input value={String(draft.values.label ?? '')} size={10} onInput={(event) => set('label', event.currentTarget.value)} />
      </label>
      <StepFields type={draft.type} values={draft.values} lists={lists} set={set} />
      <span class="actions">
        <button
          type="button"
          class="small"
          aria-label={`Move step ${number} up`}
          disabled={index === 0}
          onClick={() => dispatch({ type: 'move', index, by: -1 })}
        >
          ↑
        </button>
        <button
          type="button"
          class="small"
          aria-label={`Move step ${number} down`}
          disabled={index === count - 1}
          onClick={() => dispatch({ type: 'move', index, by: 1 })}
        >
          ↓
        </button>
        <button
          type="button"
          class="small danger"
          aria-label={`Remove step ${number}`}
          onClick={() => dispatch({ type: 'remove', key: draft.key })}
        >
          Remove
        </button>
      </span>
      {problems.map((problem) => (
        <p key={problem.field + problem.reason} class="error">
          {withinStep(problem)}: {problem.reason}
        </p>
      ))}
    </li>
  );
}
