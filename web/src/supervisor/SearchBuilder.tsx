/** The advanced search builder: conditions added, edited, disabled and deleted, matched all or any (model in search.ts). */
import { capabilities } from '../capabilities';
import { useLoad } from '../ui';
import { inputKind, type DraftCondition } from './search';

let nextConditionKey = 1;

/** A condition's value: a choice for yes/no and open/closed, else typed by the field (a list when the operator is `in`). */
function ValueInput({ condition, n, update }: { condition: DraftCondition; n: number; update: (change: Partial<DraftCondition>) => void }) {
  const kind = inputKind(condition.field);
  if (kind === 'boolean' || kind === 'status')
    return (
      <select
        aria-label={`Condition ${n} value`}
        value={condition.value}
        onChange={(event) => update({ value: event.currentTarget.value })}
      >
        <option value="">Choose…</option>
        {(kind === 'boolean' ? ['true', 'false'] : ['open', 'closed']).map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
    );
  const list = condition.operator === 'in';
  return (
    <input
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
  update,
  remove,
}: {
  condition: DraftCondition;
  /** The condition's number in the list, as its controls are named. */
  n: number;
  fields: string[];
  operators: string[];
  update: (change: Partial<DraftCondition>) => void;
  remove: () => void;
}) {
  return (
    <li class={condition.enabled ? '' : 'disabled'} data-condition={n}>
      <label>
        <span class="sr-only">Condition {n} field</span>
        <select
          aria-label={`Condition ${n} field`}
          value={condition.field}
          onChange={(event) => update({ field: event.currentTarget.value, value: '' })}
        >
          {fields.map((field) => (
            <option key={field} value={field}>
              {field}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="sr-only">Condition {n} operator</span>
        <select
          aria-label={`Condition ${n} operator`}
          value={condition.operator}
          onChange={(event) => update({ operator: event.currentTarget.value })}
        >
          {operators.map((operator) => (
            <option key={operator} value={operator}>
              {operator}
            </option>
          ))}
        </select>
      </label>
      {condition.operator !== 'isEmpty' && (
        <label>
          <span class="sr-only">Condition {n} value</span>
          <ValueInput condition={condition} n={n} update={update} />
        </label>
      )}
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
}: {
  match: 'all' | 'any';
  setMatch: (value: 'all' | 'any') => void;
  conditions: DraftCondition[];
  setConditions: (value: DraftCondition[]) => void;
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
    </fieldset>
  );
}
