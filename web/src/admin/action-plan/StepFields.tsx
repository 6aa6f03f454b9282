/** The inputs of one action plan step, rendered from its type's field list (step-fields.ts). */
import type { ActionStep } from '../../../../domain/action-plan-schema';
import { STEP_FIELDS, type StepField, type StepLists, type Values } from './step-fields';

function FieldInput({
  field,
  values,
  lists,
  set,
}: {
  field: StepField;
  values: Values;
  lists: StepLists;
  set: (name: string, value: string | boolean) => void;
}) {
  const value = values[field.name];
  switch (field.kind) {
    case 'choice':
      return (
        <label>
          {field.label}
          <select aria-label={field.label} value={String(value ?? '')} onChange={(event) => set(field.name, event.currentTarget.value)}>
            {field.options(lists).map(([option, text]) => (
              <option key={option} value={option}>
                {text}
              </option>
            ))}
          </select>
        </label>
      );
    case 'textarea':
      return (
        <label class="grow">
          {field.label}
          <textarea rows={field.rows} value={String(value)} onInput={(event) => set(field.name, event.currentTarget.value)} />
        </label>
      );
    case 'checkbox':
      return (
        <label class="inline">
          <input type="checkbox" checked={value === true} onChange={(event) => set(field.name, event.currentTarget.checked)} />
          {field.label}
        </label>
      );
    default:
      return (
        <label>
          {field.label}
          <input type={field.kind as 'text'} value={String(value ?? '')} onInput={(event) => set(field.name, event.currentTarget.value)} />
        </label>
      );
  }
}

/** The inputs of one step, by its type. */
export function StepFields({
  type,
  values,
  lists,
  set,
}: {
  type: ActionStep['type'];
  values: Values;
  lists: StepLists;
  set: (name: string, value: string | boolean) => void;
}) {
  return (
    <>
      {STEP_FIELDS[type]
        .filter((field) => field.shown?.(values) !== false)
        .map((field) => (
          <FieldInput key={field.name} field={field} values={values} lists={lists} set={set} />
        ))}
    </>
  );
}
