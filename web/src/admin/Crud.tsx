/**
 * The admin pages' one form-and-list shape: a table of one resource with create, edit (PATCH of changed fields) and
 * delete; pages add their own row actions (e.g. Verify SMTP) and editors for the row being edited (e.g. members).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { del, listAll, patch, post } from '../api';
import { ErrorText, useLoad } from '../ui';
import { ResourceForm, type FieldSpec } from './forms';

export interface Column<T> {
  label: string;
  value: (row: T) => ComponentChildren;
}

/** Texts that differ from the generic "New user" / "Edit user Ada" / "Save" / "Delete user Ada?". */
export interface CrudTexts<T> {
  /** A heading above the form of a new row (none by default). */
  newHeading?: string;
  editHeading?: (row: T) => string;
  /** The edit form's accessible name. */
  editForm?: (row: T) => string;
  save?: string;
  confirmDelete?: (row: T) => string;
}

export function Crud<T extends { id: number }>({
  title,
  singular,
  path,
  fields,
  columns,
  defaults,
  nameOf,
  texts = {},
  rowActions,
  rowStatus,
  children,
  onChange,
  initialEditing,
}: {
  title: string;
  singular: string;
  /** The list's path; creating posts to it and a row lives at `<path>/<id>` (a query string is dropped). */
  path: string;
  /** Fields of the create and edit forms (an `accountId` field is offered on create only). */
  fields: FieldSpec[];
  columns: Array<Column<T>>;
  defaults?: Record<string, unknown>;
  /** The row's name in buttons' accessible names ("Edit <name>") and messages. */
  nameOf: (row: T) => string;
  texts?: CrudTexts<T>;
  /** More buttons of a row, between Edit and Delete. */
  rowActions?: (row: T) => ComponentChildren;
  /** What a row's own actions report, after its buttons. */
  rowStatus?: (row: T) => ComponentChildren;
  /** Extra editors for the row being edited (e.g. queue members). */
  children?: (row: T) => ComponentChildren;
  onChange?: () => void;
  /** The row whose form is open at first (a page returned to a row's editor). */
  initialEditing?: number;
}) {
  const rows = useLoad(() => listAll<T>(path), [path]);
  const [editing, setEditing] = useState<number | 'new' | null>(initialEditing ?? null);
  const [error, setError] = useState<unknown>(null);
  const current = typeof editing === 'number' ? rows.data?.find((row) => row.id === editing) : undefined;
  const base = path.split('?')[0]!;
  const changed = () => {
    rows.reload();
    onChange?.();
  };
  const remove = async (row: T) => {
    if (!confirm(texts.confirmDelete?.(row) ?? `Delete ${singular} ${nameOf(row)}?`)) return;
    try {
      await del(`${base}/${row.id}`);
      if (editing === row.id) setEditing(null);
      setError(null);
      changed();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      <table>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col">
                {column.label}
              </th>
            ))}
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.data?.map((row) => (
            <tr key={row.id} class={row.id === editing ? 'current' : undefined}>
              {columns.map((column) => (
                <td key={column.label}>{column.value(row)}</td>
              ))}
              <td class="actions">
                <button type="button" class="small" aria-label={`Edit ${nameOf(row)}`} onClick={() => setEditing(row.id)}>
                  Edit
                </button>
                {rowActions?.(row)}
                <button type="button" class="small danger" aria-label={`Delete ${nameOf(row)}`} onClick={() => void remove(row)}>
                  Delete
                </button>
                {rowStatus?.(row)}
              </td>
            </tr>
          ))}
          {rows.data?.length === 0 && (
            <tr>
              <td colSpan={columns.length + 1} class="muted">
                None yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <ErrorText error={error ?? rows.error} />
      <div class="actions">
        <button type="button" onClick={() => setEditing('new')}>
          New {singular}
        </button>
      </div>
      {editing === 'new' && (
        <>
          {texts.newHeading && <h3>{texts.newHeading}</h3>}
          <ResourceForm
            key={`new-${path}`}
            label={`New ${singular}`}
            fields={fields}
            defaults={defaults}
            submitLabel={`Create ${singular}`}
            onSubmit={async (body) => {
              const created = await post<T>(base, body);
              changed();
              setEditing(created.id);
            }}
          />
        </>
      )}
      {current && (
        <>
          <h3>{texts.editHeading?.(current) ?? `Edit ${singular} ${nameOf(current)}`}</h3>
          <ResourceForm
            key={`${path}-${current.id}`}
            label={texts.editForm?.(current) ?? `Edit ${singular}`}
            fields={fields.filter((field) => field.name !== 'accountId')}
            record={current as unknown as Record<string, unknown>}
            submitLabel={texts.save ?? 'Save'}
            onSubmit={async (body) => {
              if (Object.keys(body).length === 0) return;
              await patch(`${base}/${current.id}`, body);
              changed();
            }}
          />
          {children?.(current)}
        </>
      )}
    </section>
  );
}
