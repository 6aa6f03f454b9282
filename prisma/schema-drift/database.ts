/**
 * The database side: what a PostgreSQL schema really contains, read from pg_catalog (tables, columns, enums,
 * primary keys, unique and normal indexes, foreign keys). It only reads.
 */

/** The subset of node-postgres' Client/PoolClient that introspection needs. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export type ReferentialAction = 'CASCADE' | 'RESTRICT' | 'NO ACTION' | 'SET NULL' | 'SET DEFAULT';

export interface DbColumn {
  name: string;
  /** format_type() of the column, e.g. `integer`, `text[]`, `timestamp(3) without time zone`. */
  formattedType: string;
  /** pg_type name of the column type, or of the element type for arrays (e.g. `text`, `Role`). */
  baseTypeName: string;
  isArray: boolean;
  isEnum: boolean;
  nullable: boolean;
  /** pg_get_expr() of the default, e.g. `nextval('"User_id_seq"'::regclass)`, `'agent'::"Role"`. */
  default: string | null;
}

export interface DbIndex {
  name: string;
  /** Column names in key order; expression keys are rendered as `(expression)`. */
  columns: string[];
  /** One flag per key column: true when the column is sorted descending. */
  descending: boolean[];
  unique: boolean;
  /** Access method: btree, hash, gin, gist, spgist, brin. */
  method: string;
  /** WHERE clause of a partial index, null otherwise. */
  predicate: string | null;
}

export interface DbPrimaryKey {
  name: string;
  columns: string[];
}

export interface DbForeignKey {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface DbTable {
  name: string;
  columns: DbColumn[];
  primaryKey: DbPrimaryKey | null;
  /** Unique and normal indexes; the primary key's index is not listed here. */
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
}

export interface DbEnum {
  name: string;
  values: string[];
}

export interface DbSchema {
  schemaName: string;
  tables: DbTable[];
  enums: DbEnum[];
}

/** Tables that belong to tooling rather than to the data model. */
const IGNORED_TABLES = new Set(['_prisma_migrations']);

const ACTION_CODES: Record<string, ReferentialAction> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

interface ColumnRow {
  table_name: string;
  column_name: string;
  formatted_type: string;
  base_type_name: string;
  is_array: boolean;
  is_enum: boolean;
  not_null: boolean;
  default_expr: string | null;
}

interface IndexRow {
  table_name: string;
  index_name: string;
  is_unique: boolean;
  is_primary: boolean;
  method: string;
  predicate: string | null;
  columns: string[];
  descending: boolean[];
}

interface ForeignKeyRow {
  table_name: string;
  constraint_name: string;
  referenced_table: string;
  on_delete: string;
  on_update: string;
  columns: string[];
  referenced_columns: string[];
}

const TABLES_SQL = `
  SELECT c.relname AS table_name
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
  ORDER BY c.relname`;

const COLUMNS_SQL = `
  SELECT c.relname AS table_name,
         a.attname AS column_name,
         format_type(a.atttypid, a.atttypmod) AS formatted_type,
         COALESCE(et.typname, t.typname)::text AS base_type_name,
         (t.typcategory = 'A') AS is_array,
         (COALESCE(et.typtype, t.typtype) = 'e') AS is_enum,
         a.attnotnull AS not_null,
         pg_get_expr(d.adbin, d.adrelid) AS default_expr
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_type et ON t.typcategory = 'A' AND et.oid = t.typelem
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY c.relname, a.attnum`;

const ENUMS_SQL = `
  SELECT t.typname AS enum_name, e.enumlabel AS value
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_enum e ON e.enumtypid = t.oid
  WHERE n.nspname = $1
  ORDER BY t.typname, e.enumsortorder`;

const INDEXES_SQL = `
  SELECT c.relname AS table_name,
         i.relname AS index_name,
         ix.indisunique AS is_unique,
         ix.indisprimary AS is_primary,
         am.amname AS method,
         pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
         ARRAY(
           SELECT CASE WHEN k.attnum = 0
                       THEN '(' || pg_get_indexdef(ix.indexrelid, k.ord::int, true) || ')'
                       ELSE a.attname::text END
           FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
           LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
           WHERE k.ord <= ix.indnkeyatts
           ORDER BY k.ord
         )::text[] AS columns,
         ARRAY(
           SELECT (o.opt & 1) = 1
           FROM unnest(ix.indoption::int2[]) WITH ORDINALITY AS o(opt, ord)
           WHERE o.ord <= ix.indnkeyatts
           ORDER BY o.ord
         )::bool[] AS descending
  FROM pg_index ix
  JOIN pg_class i ON i.oid = ix.indexrelid
  JOIN pg_class c ON c.oid = ix.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_am am ON am.oid = i.relam
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
  ORDER BY c.relname, i.relname`;

const FOREIGN_KEYS_SQL = `
  SELECT c.relname AS table_name,
         con.conname AS constraint_name,
         rc.relname AS referenced_table,
         con.confdeltype::text AS on_delete,
         con.confupdtype::text AS on_update,
         ARRAY(
           SELECT a.attname::text
           FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
           ORDER BY k.ord
         )::text[] AS columns,
         ARRAY(
           SELECT a.attname::text
           FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
           ORDER BY k.ord
         )::text[] AS referenced_columns
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class rc ON rc.oid = con.confrelid
  WHERE n.nspname = $1 AND con.contype = 'f'
  ORDER BY c.relname, con.conname`;

/**
 * Reads tables, columns, enums, primary keys, indexes and foreign keys of one schema
 * (default: the connection's current_schema()). `_prisma_migrations` is left out.
 */
export async function readDatabaseSchema(client: Queryable, schemaName?: string): Promise<DbSchema> {
  const schema = schemaName ?? (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? 'public';

  const tableRows = (await client.query<{ table_name: string }>(TABLES_SQL, [schema])).rows;
  const columnRows = (await client.query<ColumnRow>(COLUMNS_SQL, [schema])).rows;
  const enumRows = (await client.query<{ enum_name: string; value: string }>(ENUMS_SQL, [schema])).rows;
  const indexRows = (await client.query<IndexRow>(INDEXES_SQL, [schema])).rows;
  const foreignKeyRows = (await client.query<ForeignKeyRow>(FOREIGN_KEYS_SQL, [schema])).rows;

  const tables = new Map<string, DbTable>();
  for (const row of tableRows) {
    if (IGNORED_TABLES.has(row.table_name)) continue;
    tables.set(row.table_name, { name: row.table_name, columns: [], primaryKey: null, indexes: [], foreignKeys: [] });
  }

  for (const row of columnRows) {
    tables.get(row.table_name)?.columns.push({
      name: row.column_name,
      formattedType: row.formatted_type,
      baseTypeName: row.base_type_name,
      isArray: row.is_array,
      isEnum: row.is_enum,
      nullable: !row.not_null,
      default: row.default_expr,
    });
  }

  for (const row of indexRows) {
    const table = tables.get(row.table_name);
    if (!table) continue;
    if (row.is_primary) {
      table.primaryKey = { name: row.index_name, columns: row.columns };
    } else {
      table.indexes.push({
        name: row.index_name,
        columns: row.columns,
        descending: row.descending,
        unique: row.is_unique,
        method: row.method,
        predicate: row.predicate,
      });
    }
  }

  for (const row of foreignKeyRows) {
    tables.get(row.table_name)?.foreignKeys.push({
      name: row.constraint_name,
      columns: row.columns,
      referencedTable: row.referenced_table,
      referencedColumns: row.referenced_columns,
      onDelete: ACTION_CODES[row.on_delete] ?? 'NO ACTION',
      onUpdate: ACTION_CODES[row.on_update] ?? 'NO ACTION',
    });
  }

  const enums = new Map<string, DbEnum>();
  for (const row of enumRows) {
    const existing = enums.get(row.enum_name);
    if (existing) existing.values.push(row.value);
    else enums.set(row.enum_name, { name: row.enum_name, values: [row.value] });
  }

  return { schemaName: schema, tables: [...tables.values()], enums: [...enums.values()] };
}
