/**
 * The admin pages' forms. ResourceForm is described by its fields: it converts inputs to the API's JSON types,
 * sends only changed fields when editing, and shows the API's validation message under each field. SaveForm
 * wraps hand-made editors (memberships, queue members) that save with one action.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, describeError, describeProblem } from '../api';
import { ErrorText, Notice } from '../ui';

export interface FieldSpec {
  name: string;
  label: string;
  /** 'heading' starts a titled section (a fieldset with this label as its legend) holding the fields after it. */
  kind: 'text' | 'email' | 'password' | 'number' | 'date' | 'checkbox' | 'select' | 'textarea' | 'heading';
  options?: Array<[value: string, label: string]>;
  required?: boolean;
  /** Empty input means null (instead of leaving the field out). */
  nullable?: boolean;
  wide?: boolean;
  /** Help shown under the control and read as its description: what it does, its default and range. */
  hint?: string;
}

type Values = Record<string, string | boolean>;

function toValues(fields: FieldSpec[], record: Record<string, unknown> | undefined): Values {
  const values: Values = {};
  for (const field of fields) {
    if (field.kind === 'heading') continue;
    const value = record?.[field.name];
    values[field.name] =
      field.kind === 'checkbox' ? value === true : value === null || value === undefined || field.kind === 'password' ? '' : String(value);
  }
  return values;
}

function toJson(field: FieldSpec, value: string | boolean): unknown {
  if (field.kind === 'checkbox') return value === true;
  const text = String(value);
  if (text.trim() === '') return field.nullable ? null : undefined;
  if (field.kind === 'number' || (field.kind === 'select' && /^\d+$/.test(text) && field.nullable)) return Number(text);
  return text;
}

/** The fields after each heading, in order; fields before the first heading have none. */
function sections(fields: FieldSpec[]): Array<{ heading?: FieldSpec; fields: FieldSpec[] }> {
  const result: Array<{ heading?: FieldSpec; fields: FieldSpec[] }> = [];
  for (const field of fields) {
    if (field.kind === 'heading') result.push({ heading: field, fields: [] });
    else if (result.length === 0) result.push({ fields: [field] });
    else result.at(-1)!.fields.push(field);
  }
  return result;
}

interface CommonProps {
  id: string;
  name: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

/** One field's control, by kind. */
function FieldInput({
  field,
  common,
  value,
  editing,
  set,
}: {
  field: FieldSpec;
  common: CommonProps;
  value: string | boolean;
  editing: boolean;
  set: (name: string, value: string | boolean) => void;
}) {
  if (field.kind === 'checkbox')
    return (
      <input type="checkbox" {...common} checked={value === true} onChange={(event) => set(field.name, event.currentTarget.checked)} />
    );
  if (field.kind === 'select')
    return (
      <select
        aria-label={field.label}
        {...common}
        required={field.required}
        value={String(value)}
        onChange={(event) => set(field.name, event.currentTarget.value)}
      >
        {field.options?.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    );
  if (field.kind === 'textarea')
    return (
      <textarea
        {...common}
        rows={3}
        required={field.required}
        value={String(value)}
        onInput={(event) => set(field.name, event.currentTarget.value)}
      />
    );
  return (
    <input
      {...common}
      type={field.kind as 'text'}
      required={field.required}
      autoComplete={field.kind === 'password' ? 'new-password' : 'off'}
      placeholder={field.kind === 'password' && editing ? '(unchanged)' : undefined}
      value={String(value)}
      onInput={(event) => set(field.name, event.currentTarget.value)}
    />
  );
}

export function ResourceForm({
  fields,
  record,
  defaults,
  submitLabel,
  onSubmit,
  children,
  label,
}: {
  fields: FieldSpec[];
  /** The record being edited (PATCH sends only what changed), or undefined to create. */
  record?: Record<string, unknown>;
  /** Starting values when creating. */
  defaults?: Record<string, unknown>;
  submitLabel: string;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  children?: ComponentChildren;
  label: string;
}) {
  const initial = toValues(fields, record ?? defaults);
  const [values, setValues] = useState<Values>(initial);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const problems = error instanceof ApiError ? error.problems : [];
  const problemFor = (name: string) => problems.find((problem) => problem.field === name || problem.field.startsWith(`${name}.`));
  const unplaced = problems.filter((problem) => !fields.some((field) => problemFor(field.name) === problem));
  const set = (name: string, value: string | boolean) => {
    setValues({ ...values, [name]: value });
    setSaved(false);
  };
  /** Sections (fieldsets under a legend) when the fields have headings; else the compact grid of small forms. */
  const sectioned = fields.some((field) => field.kind === 'heading');
  const row = (field: FieldSpec) => {
    const id = `field-${label.replace(/\W+/g, '-')}-${field.name}`;
    const problem = problemFor(field.name);
    const described = [field.hint && `${id}-help`, problem && `${id}-error`].filter(Boolean).join(' ');
    const common = {
      id,
      name: field.name,
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': described || undefined,
    };
    const input = <FieldInput field={field} common={common} value={values[field.name]!} editing={record !== undefined} set={set} />;
    const name = `${field.label}${field.required ? ' *' : ''}`;
    const notes = (
      <>
        {field.hint && (
          <small class="muted help" id={`${id}-help`}>
            {field.hint}
          </small>
        )}
        {problem && (
          <p class="error" id={`${id}-error`}>
            {describeProblem(problem, true)}
          </p>
        )}
      </>
    );
    if (sectioned)
      // The label in a column of its own and the help and error under the control: a message adds height to its
      // own row only, never width, so no other field moves sideways and none before it moves at all.
      return (
        <div key={field.name} class="field-row">
          {field.kind === 'checkbox' ? (
            <span />
          ) : (
            <label for={id} class="field-label">
              {name}
            </label>
          )}
          <div class="field-control">
            {field.kind === 'checkbox' ? (
              <label for={id} class="inline">
                {input}
                {name}
              </label>
            ) : (
              input
            )}
            {notes}
          </div>
        </div>
      );
    return (
      <div key={field.name} class={field.wide || field.kind === 'textarea' ? 'wide' : undefined}>
        <label for={id} class={field.kind === 'checkbox' ? 'inline' : undefined}>
          {field.kind === 'checkbox' && input}
          {name}
          {field.kind !== 'checkbox' && input}
        </label>
        {notes}
      </div>
    );
  };
  return (
    <form
      class={sectioned ? 'sections' : 'grid'}
      aria-label={label}
      onSubmit={async (event) => {
        event.preventDefault();
        const body: Record<string, unknown> = {};
        for (const field of fields) {
          if (field.kind === 'heading') continue;
          const value = values[field.name]!;
          if (record && value === initial[field.name]) continue;
          const json = toJson(field, value);
          if (json !== undefined) body[field.name] = json;
        }
        try {
          await onSubmit(body);
          setError(null);
          setSaved(true);
        } catch (failure) {
          setError(failure);
        }
      }}
    >
      {sectioned
        ? sections(fields).map((section) =>
            section.heading ? (
              <fieldset key={section.heading.name} class="form-section">
                <legend>{section.heading.label}</legend>
                {section.fields.map(row)}
              </fieldset>
            ) : (
              section.fields.map(row)
            ),
          )
        : fields.map(row)}
      <div class="wide actions">
        <button type="submit" class="primary">
          {submitLabel}
        </button>
        {children}
        {saved && (
          <span class="notice" role="status">
            Saved.
          </span>
        )}
      </div>
      {error !== null && (problems.length === 0 || unplaced.length > 0) && (
        <p class="error wide" role="alert">
          {describeError(error)}
        </p>
      )}
      {error !== null && problems.length > 0 && unplaced.length === 0 && (
        <p class="error wide" role="alert">
          Please correct the fields marked above.
        </p>
      )}
    </form>
  );
}

/** A form saved by one action: "Saved." once it is, until the next change; the API's error otherwise. */
export function SaveForm({
  label,
  submitLabel,
  onSave,
  loadError,
  class: className,
  children,
}: {
  label: string;
  submitLabel: string;
  onSave: () => Promise<void>;
  /** Why what the form shows could not be loaded. */
  loadError?: unknown;
  class?: string;
  children: ComponentChildren;
}) {
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  return (
    <form
      class={className}
      aria-label={label}
      onInput={() => setSaved(false)}
      onChange={() => setSaved(false)}
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          await onSave();
          setError(null);
          setSaved(true);
        } catch (failure) {
          setError(failure);
        }
      }}
    >
      {children}
      <div class="actions">
        <button type="submit" class="primary">
          {submitLabel}
        </button>
        {saved && <Notice>Saved.</Notice>}
      </div>
      <ErrorText error={error ?? loadError} />
    </form>
  );
}
