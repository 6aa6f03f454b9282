/**
 * The advanced search builder: conditions added, edited, disabled and deleted, matched all or any (model in search.ts).
 * Fields and operators read as words ("Created is after"); agents, queues, accounts and dispositions are picked by
 * name (the request carries their ids).
 */
import { capabilities } from '../capabilities';
import { useLoad } from '../ui';
import { fieldLabel, inputKind, operatorLabel, operatorsFor, pickedField, type DraftCondition, type PickedField } from './search';

let nextConditionKey = 1;

export interface PickerOption {
  value: number;
  label: string;
}
export type Pickers = Record<PickedField, PickerOption[]>;

/** A condition's value: a choice for yes/no, open/closed and picked things, else typed by the field (a list for "is one of"). */
function ValueInput({
  condition,
  n,
  pickers,
  update,
}: {
  condition: DraftCondition;
  n: number;
  pickers: Pickers;
  update: (change: Partial<DraftCondition>) => void;
}) {
  const kind = inputKind(condition.field);
  const list = condition.operator === 'in';
  const label = `Condition ${n} value`;
  if (pickedField(condition.field) || kind === 'boolean' || kind === 'status') {
    const options: Array<{ value: string; label: string }> = pickedField(condition.field)
      ? pickers[condition.field].map((option) => ({ value: String(option.value), label: option.label }))
      : kind === 'boolean'
        ? [
            { value: 'true', label: 'yes' },
            { value: 'false', label: 'no' },
          ]
        : [
            { value: 'open', label: 'open' },
            { value: 'closed', label: 'closed' },
          ];
    if (list)
      return (
        <select
          aria-label={label}
          multiple
          size={Math.min(4, Math.max(2, options.length))}
          onChange={(event) =>
            update({
              value: Array.from(event.currentTarget.selectedOptions)
                .map((option) => option.value)
                .join(','),
            })
          }
        >
          {options.map((option) => (
            <option key={option.value} value={option.value} selected={condition.value.split(',').includes(option.value)}>
              {option.label}
            </option>
          ))}
        </select>
      );
    return (
      <select aria-label={label} value={condition.value} onChange={(event) => update({ value: event.currentTarget.value })}>
        <option value="">Choose…</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      aria-label={label}
      // Preact's types narrow `type` per literal; the three kinds share every attribute used here.
      type={(kind === 'date' && !list ? 'datetime-local' : kind === 'number' && !list ? 'number' : 'text') as 'text'}
      value={condition.value}
      placeholder={list ? 'a, b, c' : ''}
      onInput={(event) => update({ value: event.currentTarget.value })}
    />
  );
}

function ConditionRow({
  condition,
  n,
  fields,
  operators,
  pickers,
  update,
  remove,
}: {
  condition: DraftCondition;
  /** The condition's number in the list, as its controls are named. */
  n: number;
  fields: string[];
  /** Every operator the server accepts; the row offers those that fit its field. */
  operators: string[];
  pickers: Pickers;
  update: (change: Partial<DraftCondition>) => void;
  remove: () => void;
}) {
  const fitting = operatorsFor(condition.field, operators);
  return (
    <li class={condition.enabled ? '' : 'disabled'} data-condition={n}>
      <select
        aria-label={`Condition ${n} field`}
        value={condition.field}
        onChange={(event) => {
          const field = event.currentTarget.value;
          const allowed = operatorsFor(field, operators);
          update({ field, value: '', operator: allowed.includes(condition.operator) ? condition.operator : (allowed[0] ?? 'equals') });
        }}
      >
        {fields.map((field) => (
          <option key={field} value={field}>
            {fieldLabel(field)}
          </option>
        ))}
      </select>
      <select
        aria-label={`Condition ${n} operator`}
        value={condition.operator}
        title={condition.operator}
        onChange={(event) => update({ operator: event.currentTarget.value, value: '' })}
      >
        {fitting.map((operator) => (
          <option key={operator} value={operator}>
            {operatorLabel(condition.field, operator)}
          </option>
        ))}
      </select>
      {condition.operator !== 'isEmpty' && <ValueInput condition={condition} n={n} pickers={pickers} update={update} />}
      <label class="inline">
        <input type="checkbox" checked={condition.enabled} onChange={(event) => update({ enabled: event.currentTarget.checked })} />
        enabled
      </label>
      <button type="button" class="small" aria-label={`Delete condition ${n}`} onClick={remove}>
        Delete
      </button>
    </li>
  );
}

export function SearchBuilder({
  match,
  setMatch,
  conditions,
  setConditions,
  pickers,
}: {
  match: 'all' | 'any';
  setMatch: (value: 'all' | 'any') => void;
  conditions: DraftCondition[];
  setConditions: (value: DraftCondition[]) => void;
  pickers: Pickers;
}) {
  // The fields and operators this server's search takes (its OpenAPI document), a minimal pair until it is read.
  const accepts = useLoad(() => capabilities(), []);
  const fields = accepts.data?.searchFields.length ? accepts.data.searchFields : ['subject', 'customerEmail'];
  const operators = accepts.data?.searchOperators.length ? accepts.data.searchOperators : ['equals', 'contains'];
  return (
    <fieldset class="search-builder">
      <legend>Advanced search</legend>
      <div role="radiogroup" aria-label="Match">
        <label class="inline">
          <input type="radio" name="match" checked={match === 'all'} onChange={() => setMatch('all')} /> all conditions
        </label>
        <label class="inline">
          <input type="radio" name="match" checked={match === 'any'} onChange={() => setMatch('any')} /> any condition
        </label>
      </div>
      <ol class="conditions">
        {conditions.map((condition, index) => (
          <ConditionRow
            key={condition.key}
            condition={condition}
            n={index + 1}
            fields={fields}
            operators={operators}
            pickers={pickers}
            update={(change) => setConditions(conditions.map((other) => (other.key === condition.key ? { ...other, ...change } : other)))}
            remove={() => setConditions(conditions.filter((other) => other.key !== condition.key))}
          />
        ))}
      </ol>
      <button
        type="button"
        onClick={() =>
          setConditions([
            ...conditions,
            // A text field first: "contains" applies to text only.
            {
              key: nextConditionKey++,
              field: fields.includes('subject') ? 'subject' : (fields[0] ?? 'subject'),
              operator: 'contains',
              value: '',
              enabled: true,
            },
          ])
        }
      >
        Add condition
      </button>
      {conditions.length > 0 && (
        <button type="button" class="danger" onClick={() => setConditions([])}>
          Delete all conditions
        </button>
      )}
    </fieldset>
  );
}
