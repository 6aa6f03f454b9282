/** A list of one resource with create, edit (PATCH of changed fields) and delete, for the admin pages. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { del, listAll, patch, post } from '../api';
import { ErrorText, useLoad } from '../ui';
import { ResourceForm, type FieldSpec } from './forms';

export interface Column<T> {
  label: string;
  value: (row: T) => ComponentChildren;
}

export function Crud<T extends { id: number }>({
  title,
  singular,
  path,
  fields,
  columns,
  defaults,
  nameOf,
  children,
  onChange,
}: {
  title: string;
  singular: string;
  path: string;
  fields: FieldSpec[];
  /** Fields offered when editing (default: the same as creating). */
  columns: Array<Column<T>>;
  defaults?: Record<string, unknown>;
  nameOf: (row: T) => string;
  /** Extra editors for the row being edited (e.g. queue members). */
  children?: (row: T) => ComponentChildren;
  onChange?: () => void;
}) {
  const rows = useLoad(() => listAll<T>(path), [path]);
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const current = typeof editing === 'number' ? rows.data?.find((row) => row.id === editing) : undefined;
  const changed = () => {
    rows.reload();
    onChange?.();
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
                <button
                  type="button"
                  class="small danger"
                  aria-label={`Delete ${nameOf(row)}`}
                  onClick={async () => {
                    if (!confirm(`Delete ${singular} ${nameOf(row)}?`)) return;
                    try {
                      await del(`${path.split('?')[0]}/${row.id}`);
                      if (editing === row.id) setEditing(null);
                      setError(null);
                      changed();
                    } catch (failure) {
                      setError(failure);
                    }
                  }}
                >
                  Delete
                </button>
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
        <ResourceForm
          key={`new-${path}`}
          label={`New ${singular}`}
          fields={fields}
          defaults={defaults}
          submitLabel={`Create ${singular}`}
          onSubmit={async (body) => {
            const created = await post<T>(path.split('?')[0]!, body);
            changed();
            setEditing(created.id);
          }}
        />
      )}
      {current && (
        <>
          <h3>
            Edit {singular} {nameOf(current)}
          </h3>
          <ResourceForm
            key={`${path}-${current.id}`}
            label={`Edit ${singular}`}
            fields={fields.filter((field) => field.name !== 'accountId')}
            record={current as unknown as Record<string, unknown>}
            submitLabel="Save"
            onSubmit={async (body) => {
              if (Object.keys(body).length === 0) return;
              await patch(`${path.split('?')[0]}/${current.id}`, body);
              changed();
            }}
          />
          {children?.(current)}
        </>
      )}
    </section>
  );
}
