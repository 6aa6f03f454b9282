/**
 * Schema drift detection: compares what a PostgreSQL schema really contains with what
 * `prisma/schema.prisma` (through its DMMF) says it should contain, the way
 * `prisma migrate diff --from-migrations --to-schema` would if the schema engine could run here.
 *
 * - `readDatabaseSchema(client)` introspects pg_catalog (tables, columns, enums, primary keys,
 *   unique and normal indexes, foreign keys). It only reads.
 * - `compareWithDmmf(dmmf, dbSchema)` is pure: it returns human-readable differences, empty when
 *   the database matches the schema.
 * - `loadDmmf(schemaText)` parses a schema with @prisma/prisma-schema-wasm (loaded lazily).
 *
 * The expected database shape follows Prisma's PostgreSQL conventions: scalar → column type
 * (String → text, Int → integer, DateTime → timestamp(3), Json → jsonb, ...), lists are nullable
 * arrays, @updatedAt has no database default, autoincrement() is a sequence default (SERIAL),
 * now() is CURRENT_TIMESTAMP, uuid()/cuid()/nanoid()/ulid() are client-side (no database default),
 * constraint names default to `Table_pkey`, `Table_col1_col2_key`, `Table_col_idx`,
 * `Table_col_fkey`, and relations default to ON DELETE RESTRICT (required) / SET NULL (optional)
 * and ON UPDATE CASCADE.
 *
 * Known limits: `@relation(map: ...)` is not visible in the DMMF, so foreign-key names are checked
 * against the default convention; `dbgenerated(...)` defaults are compared as normalized text.
 */

/** The subset of node-postgres' Client/PoolClient that introspection needs. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

// ---------------------------------------------------------------------------------------------
// Database side

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

// ---------------------------------------------------------------------------------------------
// DMMF side (the subset of @prisma/prisma-schema-wasm's get_dmmf output used here)

export interface DmmfFieldDefaultFunction {
  name: string;
  args: unknown[];
}

export type DmmfFieldDefault = DmmfFieldDefaultFunction | string | number | boolean | unknown[];

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  type: string;
  /** e.g. `["VarChar", ["255"]]`. */
  nativeType?: [string, string[]] | null;
  default?: DmmfFieldDefault;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  schema?: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  isDefinedOnField: boolean;
  name?: string;
  dbName?: string;
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc'; length?: number; operatorClass?: string }[];
}

export interface Dmmf {
  datamodel: {
    enums: DmmfEnum[];
    models: DmmfModel[];
    indexes: DmmfIndex[];
  };
}

/** Parses a Prisma schema into its DMMF. The wasm module is loaded on first use, not at import. */
export async function loadDmmf(schemaText: string): Promise<Dmmf> {
  const { get_dmmf: getDmmf } = await import('@prisma/prisma-schema-wasm');
  return JSON.parse(getDmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }))) as Dmmf;
}

// ---------------------------------------------------------------------------------------------
// Expected shape, derived from the DMMF

/** PostgreSQL's identifier length limit (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_LENGTH = 63;

/** Prisma's default constraint names (psl ConstraintNames), for PostgreSQL. */
export const prismaConstraintNames = {
  primaryKey(table: string): string {
    const trimmed = table.length >= MAX_IDENTIFIER_LENGTH - 5 ? table.slice(0, MAX_IDENTIFIER_LENGTH - 5) : table;
    return `${trimmed}_pkey`;
  },
  uniqueIndex(table: string, columns: string[]): string {
    return joinedName(table, columns, '_key');
  },
  index(table: string, columns: string[]): string {
    return joinedName(table, columns, '_idx');
  },
  foreignKey(table: string, columns: string[]): string {
    return joinedName(table, columns, '_fkey');
  },
};

function joinedName(table: string, columns: string[], suffix: string): string {
  let joined = `${table}_${columns.join('_')}`;
  if (joined.length >= MAX_IDENTIFIER_LENGTH - suffix.length) {
    joined = joined.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length);
  }
  return `${joined}${suffix}`;
}

/** format_type() spelling of Prisma's default column type per scalar. */
const SCALAR_COLUMN_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** format_type() spelling of `@db.X(args)` native types; `a` is `(args)` or empty. */
const NATIVE_COLUMN_TYPES: Record<string, (a: string) => string> = {
  Text: () => 'text',
  VarChar: (a) => `character varying${a}`,
  Char: (a) => `character${a || '(1)'}`,
  Uuid: () => 'uuid',
  Citext: () => 'citext',
  Inet: () => 'inet',
  Xml: () => 'xml',
  Oid: () => 'oid',
  Money: () => 'money',
  SmallInt: () => 'smallint',
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  Real: () => 'real',
  DoublePrecision: () => 'double precision',
  Decimal: (a) => `numeric${a}`,
  Boolean: () => 'boolean',
  Date: () => 'date',
  Timestamp: (a) => `timestamp${a} without time zone`,
  Timestamptz: (a) => `timestamp${a} with time zone`,
  Time: (a) => `time${a} without time zone`,
  Timetz: (a) => `time${a} with time zone`,
  Json: () => 'json',
  JsonB: () => 'jsonb',
  ByteA: () => 'bytea',
  Bit: (a) => `bit${a || '(1)'}`,
  VarBit: (a) => `bit varying${a}`,
};

function nativeColumnType(name: string, args: string[]): string {
  const a = args.length > 0 ? `(${args.join(',')})` : '';
  return NATIVE_COLUMN_TYPES[name]?.(a) ?? `${name.toLowerCase()}${a}`;
}

type ExpectedType = { kind: 'enum'; enumName: string; isArray: boolean } | { kind: 'scalar'; formattedType: string };

type ExpectedDefault =
  | { kind: 'none' }
  | { kind: 'sequence' }
  | { kind: 'now' }
  | { kind: 'expression'; sql: string }
  | { kind: 'value'; value: CanonicalValue };

/** A default value in comparable form: a scalar rendered as text, or a list of them. */
type CanonicalValue = { list: false; text: string; json: boolean; numeric: boolean } | { list: true; items: string[] };

interface ExpectedColumn {
  model: string;
  field: string;
  name: string;
  type: ExpectedType;
  nullable: boolean;
  default: ExpectedDefault;
}

interface ExpectedIndex {
  model: string;
  name: string;
  columns: string[];
  descending: boolean[];
  unique: boolean;
  method: string;
  /** How to name it in messages, e.g. `@@index([accountId, createdAt])`. */
  label: string;
}

interface ExpectedForeignKey {
  model: string;
  field: string;
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

interface ExpectedTable {
  model: string;
  name: string;
  columns: ExpectedColumn[];
  primaryKey: { name: string; columns: string[] } | null;
  indexes: ExpectedIndex[];
  foreignKeys: ExpectedForeignKey[];
}

interface ExpectedSchema {
  tables: ExpectedTable[];
  enums: DbEnum[];
}

const PRISMA_ACTIONS: Record<string, ReferentialAction> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

/** Index algorithms of `@@index(type: ...)` as pg_am names. */
const INDEX_METHODS: Record<string, string> = {
  BTree: 'btree',
  Hash: 'hash',
  Gist: 'gist',
  Gin: 'gin',
  SpGist: 'spgist',
  Brin: 'brin',
};

const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

function isDefaultFunction(value: DmmfFieldDefault | undefined): value is DmmfFieldDefaultFunction {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function columnNameOf(field: DmmfField): string {
  return field.dbName ?? field.name;
}

function tableNameOf(model: DmmfModel): string {
  return model.dbName ?? model.name;
}

function enumDbName(dmmfEnum: DmmfEnum): string {
  return dmmfEnum.dbName ?? dmmfEnum.name;
}

function isColumnField(field: DmmfField): boolean {
  return field.kind === 'scalar' || field.kind === 'enum' || field.kind === 'unsupported';
}

function buildExpectedSchema(dmmf: Dmmf): ExpectedSchema {
  const { models, enums, indexes } = dmmf.datamodel;
  const enumsByName = new Map(enums.map((e) => [e.name, e]));
  const modelsByName = new Map(models.map((m) => [m.name, m]));

  const expectedEnums: DbEnum[] = enums.map((e) => ({
    name: enumDbName(e),
    values: e.values.map((v) => v.dbName ?? v.name),
  }));

  const tables: ExpectedTable[] = models.map((model) => {
    const table = tableNameOf(model);
    const fieldsByName = new Map(model.fields.map((f) => [f.name, f]));
    const column = (fieldName: string): string => {
      const field = fieldsByName.get(fieldName);
      return field ? columnNameOf(field) : fieldName;
    };

    const columns = model.fields.filter(isColumnField).map((field) => expectedColumn(model, field, enumsByName));

    const modelIndexes = indexes.filter((i) => i.model === model.name);
    const idIndex = modelIndexes.find((i) => i.type === 'id');
    const primaryKey = idIndex
      ? {
          name: idIndex.dbName ?? prismaConstraintNames.primaryKey(table),
          columns: idIndex.fields.map((f) => column(f.name)),
        }
      : null;

    const expectedIndexes: ExpectedIndex[] = modelIndexes
      .filter((i) => i.type === 'unique' || i.type === 'normal')
      .map((i) => {
        const columnNames = i.fields.map((f) => column(f.name));
        const unique = i.type === 'unique';
        const fieldList = i.fields.map((f) => f.name).join(', ');
        return {
          model: model.name,
          name:
            i.dbName ?? (unique ? prismaConstraintNames.uniqueIndex(table, columnNames) : prismaConstraintNames.index(table, columnNames)),
          columns: columnNames,
          descending: i.fields.map((f) => f.sortOrder === 'desc'),
          unique,
          method: INDEX_METHODS[i.algorithm ?? 'BTree'] ?? (i.algorithm ?? 'btree').toLowerCase(),
          label: i.isDefinedOnField ? `${fieldList} @unique` : `${unique ? '@@unique' : '@@index'}([${fieldList}])`,
        };
      });

    const foreignKeys: ExpectedForeignKey[] = model.fields
      .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
      .map((field) => {
        const target = modelsByName.get(field.type);
        const fromFields = field.relationFromFields ?? [];
        const columnsOfFk = fromFields.map(column);
        const targetFields = new Map((target?.fields ?? []).map((f) => [f.name, f]));
        const anyRequired = fromFields.some((name) => fieldsByName.get(name)?.isRequired ?? false);
        const defaultOnDelete = anyRequired ? 'Restrict' : 'SetNull';
        return {
          model: model.name,
          field: field.name,
          name: prismaConstraintNames.foreignKey(table, columnsOfFk),
          columns: columnsOfFk,
          referencedTable: target ? tableNameOf(target) : field.type,
          referencedColumns: (field.relationToFields ?? []).map((name) => {
            const targetField = targetFields.get(name);
            return targetField ? columnNameOf(targetField) : name;
          }),
          onDelete: PRISMA_ACTIONS[field.relationOnDelete ?? defaultOnDelete] ?? 'NO ACTION',
          onUpdate: PRISMA_ACTIONS[field.relationOnUpdate ?? 'Cascade'] ?? 'CASCADE',
        };
      });

    return { model: model.name, name: table, columns, primaryKey, indexes: expectedIndexes, foreignKeys };
  });

  tables.push(...implicitManyToManyTables(models));
  return { tables, enums: expectedEnums };
}

/**
 * Join tables of implicit many-to-many relations (`_AToB` with columns A and B), as Prisma
 * creates them on PostgreSQL: primary key `_AToB_AB_pkey`, index `_AToB_B_index`, and two
 * cascading foreign keys `_AToB_A_fkey` / `_AToB_B_fkey`.
 */
function implicitManyToManyTables(models: DmmfModel[]): ExpectedTable[] {
  const tables: ExpectedTable[] = [];
  const seen = new Set<string>();
  const modelsByName = new Map(models.map((m) => [m.name, m]));

  for (const model of models) {
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.isList || !field.relationName) continue;
      const other = modelsByName.get(field.type);
      const opposite = other?.fields.find(
        (f) => f.kind === 'object' && f.relationName === field.relationName && f !== field && f.type === model.name,
      );
      if (!other || !opposite || !opposite.isList || seen.has(field.relationName)) continue;
      seen.add(field.relationName);

      // Model A is the one whose name sorts first (field names break the tie for self-relations).
      const [modelA, modelB] =
        model.name < other.name || (model.name === other.name && field.name < opposite.name) ? [model, other] : [other, model];
      const idColumn = (m: DmmfModel): DmmfField | undefined => m.fields.find((f) => f.isId);
      const typeOf = (f: DmmfField | undefined): ExpectedType => {
        if (!f) return { kind: 'scalar', formattedType: 'integer' };
        return { kind: 'scalar', formattedType: scalarColumnType(f) };
      };
      const table = `_${field.relationName}`;
      const targetA = modelA.dbName ?? modelA.name;
      const targetB = modelB.dbName ?? modelB.name;
      const idA = idColumn(modelA);
      const idB = idColumn(modelB);
      tables.push({
        model: table,
        name: table,
        columns: [
          { model: table, field: 'A', name: 'A', type: typeOf(idA), nullable: false, default: { kind: 'none' } },
          { model: table, field: 'B', name: 'B', type: typeOf(idB), nullable: false, default: { kind: 'none' } },
        ],
        primaryKey: { name: `${table}_AB_pkey`, columns: ['A', 'B'] },
        indexes: [
          {
            model: table,
            name: `${table}_B_index`,
            columns: ['B'],
            descending: [false],
            unique: false,
            method: 'btree',
            label: 'implicit many-to-many index on B',
          },
        ],
        foreignKeys: [
          {
            model: table,
            field: 'A',
            name: `${table}_A_fkey`,
            columns: ['A'],
            referencedTable: targetA,
            referencedColumns: [idA ? columnNameOf(idA) : 'id'],
            onDelete: 'CASCADE',
            onUpdate: 'CASCADE',
          },
          {
            model: table,
            field: 'B',
            name: `${table}_B_fkey`,
            columns: ['B'],
            referencedTable: targetB,
            referencedColumns: [idB ? columnNameOf(idB) : 'id'],
            onDelete: 'CASCADE',
            onUpdate: 'CASCADE',
          },
        ],
      });
    }
  }
  return tables;
}

function scalarColumnType(field: DmmfField): string {
  if (field.nativeType) return nativeColumnType(field.nativeType[0], field.nativeType[1]);
  return SCALAR_COLUMN_TYPES[field.type] ?? field.type.toLowerCase();
}

function expectedColumn(model: DmmfModel, field: DmmfField, enumsByName: Map<string, DmmfEnum>): ExpectedColumn {
  const dmmfEnum = field.kind === 'enum' ? enumsByName.get(field.type) : undefined;
  const type: ExpectedType = dmmfEnum
    ? { kind: 'enum', enumName: enumDbName(dmmfEnum), isArray: field.isList }
    : { kind: 'scalar', formattedType: scalarColumnType(field) + (field.isList ? '[]' : '') };

  return {
    model: model.name,
    field: field.name,
    name: columnNameOf(field),
    type,
    // Prisma renders NOT NULL for required scalars only; list columns stay nullable.
    nullable: !field.isRequired || field.isList,
    default: expectedDefault(field, dmmfEnum),
  };
}

function expectedDefault(field: DmmfField, dmmfEnum: DmmfEnum | undefined): ExpectedDefault {
  const value = field.default;
  if (value === undefined || field.isUpdatedAt) return { kind: 'none' };

  if (isDefaultFunction(value)) {
    if (value.name === 'autoincrement' || value.name === 'sequence') return { kind: 'sequence' };
    if (value.name === 'now') return { kind: 'now' };
    if (value.name === 'dbgenerated') {
      const sql = value.args[0];
      return typeof sql === 'string' && sql.length > 0 ? { kind: 'expression', sql } : { kind: 'none' };
    }
    if (CLIENT_SIDE_DEFAULTS.has(value.name)) return { kind: 'none' };
    return { kind: 'expression', sql: `${value.name}()` };
  }

  const scalarText = (item: unknown): string => {
    if (dmmfEnum && typeof item === 'string') {
      const member = dmmfEnum.values.find((v) => v.name === item);
      return member?.dbName ?? item;
    }
    if (field.type === 'Bytes' && typeof item === 'string') {
      return `\\x${Buffer.from(item, 'base64').toString('hex')}`;
    }
    if (field.type === 'DateTime' && typeof item === 'string') {
      return canonicalTimestamp(item);
    }
    return String(item);
  };

  if (Array.isArray(value)) return { kind: 'value', value: { list: true, items: value.map(scalarText) } };
  return {
    kind: 'value',
    value: {
      list: false,
      text: scalarText(value),
      json: field.type === 'Json',
      numeric: ['Int', 'BigInt', 'Float', 'Decimal'].includes(field.type),
    },
  };
}

function canonicalTimestamp(text: string): string {
  const hasZone = /(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/.test(text);
  const time = Date.parse(hasZone ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Default-expression parsing (database side)

const SQL_IDENTIFIER = '(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)';
const BUILT_IN_TYPE = '[a-z_][a-z0-9_ ]*?(?:\\([0-9, ]*\\))?(?: with(?:out)? time zone)?';
/** A trailing `::type`, `::"Enum"` or `::schema."Enum"` (schema off the search_path), with `[]`s. */
const TRAILING_CAST = new RegExp(`::(?:${SQL_IDENTIFIER}\\.${SQL_IDENTIFIER}|"(?:[^"]|"")+"|${BUILT_IN_TYPE})(?:\\[\\])*$`, 'i');

/**
 * Strips `::type` casts that PostgreSQL appends to stored defaults, e.g.
 * `'agent'::"Role"`, `'[]'::jsonb`, `'x'::character varying`, `ARRAY[]::text[]`,
 * `'2020-01-01 00:00:00'::timestamp without time zone`.
 */
function stripCasts(expression: string): string {
  let text = expression.trim();
  for (;;) {
    const unwrapped = unwrapParentheses(text);
    const next = unwrapped.replace(TRAILING_CAST, '').trim();
    if (next === text) return text;
    text = next;
  }
}

function unwrapParentheses(text: string): string {
  let current = text;
  while (current.startsWith('(') && current.endsWith(')') && balanced(current.slice(1, -1))) {
    current = current.slice(1, -1).trim();
  }
  return current;
}

function balanced(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "'") {
        if (text[i + 1] === "'") i++;
        else inString = false;
      }
      continue;
    }
    if (ch === "'") inString = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0 && !inString;
}

/** `'it''s'` → `it's`; `E'\\x41'`-style strings are returned with escapes as stored. */
function unquoteLiteral(text: string): string | null {
  const match = /^E?'((?:[^']|'')*)'$/s.exec(text);
  return match?.[1] !== undefined ? match[1].replace(/''/g, "'") : null;
}

/** Splits `a, 'b,c', d` on top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "'") {
        if (text[i + 1] === "'") i++;
        else inString = false;
      }
      continue;
    }
    if (ch === "'") inString = true;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last.length > 0) parts.push(last);
  return parts;
}

/** Parses the text form of a PostgreSQL array literal, e.g. `{a,"b c",NULL}`. */
function parseArrayLiteral(text: string): string[] | null {
  if (!text.startsWith('{') || !text.endsWith('}')) return null;
  const body = text.slice(1, -1);
  if (body.length === 0) return [];
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (quoted) {
      if (ch === '\\') current += body[++i] ?? '';
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items;
}

/** A database default in the same terms as the expected one. */
type ParsedDefault = ExpectedDefault;

function parseDatabaseDefault(expression: string | null, column: DbColumn): ParsedDefault {
  if (expression === null) return { kind: 'none' };
  const raw = expression.trim();
  if (/^nextval\(/i.test(raw)) return { kind: 'sequence' };
  const stripped = stripCasts(raw);
  if (/^(current_timestamp|now\(\)|current_timestamp\(\d+\)|localtimestamp)$/i.test(stripped)) return { kind: 'now' };

  if (column.isArray) {
    const arrayMatch = /^ARRAY\[(.*)\]$/is.exec(stripped);
    if (arrayMatch) {
      const items = splitTopLevel(arrayMatch[1] ?? '').map((item) => literalText(stripCasts(item)));
      return { kind: 'value', value: { list: true, items } };
    }
    const literal = unquoteLiteral(stripped);
    const items = literal === null ? null : parseArrayLiteral(literal);
    if (items) return { kind: 'value', value: { list: true, items } };
    return { kind: 'expression', sql: raw };
  }

  const literal = unquoteLiteral(stripped);
  if (literal !== null) {
    const text = column.baseTypeName.startsWith('timestamp') ? canonicalTimestamp(literal) : literal;
    return { kind: 'value', value: { list: false, text, json: false, numeric: false } };
  }
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(stripped) || /^(true|false)$/i.test(stripped)) {
    return { kind: 'value', value: { list: false, text: stripped.toLowerCase(), json: false, numeric: false } };
  }
  return { kind: 'expression', sql: raw };
}

function literalText(text: string): string {
  return unquoteLiteral(text) ?? text;
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(sortKeys(JSON.parse(a))) === JSON.stringify(sortKeys(JSON.parse(b)));
  } catch {
    return a === b;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

function normalizeSql(sql: string): string {
  return stripCasts(sql).replace(/\s+/g, ' ').replace(/"/g, '').toLowerCase();
}

function defaultsMatch(expected: ExpectedDefault, actual: ParsedDefault, column: DbColumn): boolean {
  switch (expected.kind) {
    case 'none':
    case 'sequence':
    case 'now':
      return actual.kind === expected.kind;
    case 'expression': {
      // dbgenerated("...") is compared as PostgreSQL stores it where it can be parsed
      // (literals, now(), nextval), otherwise as whitespace- and quote-normalized text.
      const parsed = parseDatabaseDefault(expected.sql, column);
      if (parsed.kind !== 'expression') return defaultsMatch(parsed, actual, column);
      return actual.kind === 'expression' && normalizeSql(parsed.sql) === normalizeSql(actual.sql);
    }
    case 'value': {
      if (actual.kind !== 'value') return false;
      const want = expected.value;
      const got = actual.value;
      if (want.list || got.list) {
        return want.list && got.list && sameList(want.items, got.items);
      }
      if (want.json) return sameJson(want.text, got.text);
      if (want.numeric) return Number(want.text) === Number(got.text);
      return want.text === got.text;
    }
  }
}

function describeExpected(expected: ExpectedDefault): string {
  switch (expected.kind) {
    case 'none':
      return 'no default';
    case 'sequence':
      return 'autoincrement() (a nextval sequence default)';
    case 'now':
      return 'now() (CURRENT_TIMESTAMP)';
    case 'expression':
      return `dbgenerated(${JSON.stringify(expected.sql)})`;
    case 'value':
      return expected.value.list
        ? `[${expected.value.items.map((v) => JSON.stringify(v)).join(', ')}]`
        : JSON.stringify(expected.value.text);
  }
}

function describeParsed(actual: ParsedDefault): string {
  switch (actual.kind) {
    case 'none':
      return 'no default';
    case 'sequence':
      return 'a nextval sequence default';
    case 'now':
      return 'CURRENT_TIMESTAMP';
    case 'expression':
      return actual.sql;
    case 'value':
      return actual.value.list ? `[${actual.value.items.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(actual.value.text);
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison

/**
 * Differences between the DMMF and the database, one human-readable line each (empty when they
 * match). Lines start with the model (and field) they concern, e.g.
 * `Interaction.subject: column "subject" is missing from table "Interaction"`.
 */
export function compareWithDmmf(dmmf: Dmmf, dbSchema: DbSchema): string[] {
  const expected = buildExpectedSchema(dmmf);
  const differences: string[] = [];

  compareEnums(expected.enums, dbSchema.enums, differences);

  const actualTables = new Map(dbSchema.tables.map((t) => [t.name, t]));
  const expectedNames = new Set(expected.tables.map((t) => t.name));

  for (const table of expected.tables) {
    const actual = actualTables.get(table.name);
    if (!actual) {
      differences.push(`${table.model}: table "${table.name}" is missing from the database`);
      continue;
    }
    compareColumns(table, actual, differences);
    comparePrimaryKey(table, actual, differences);
    compareIndexes(table, actual, differences);
    compareForeignKeys(table, actual, differences);
  }

  for (const table of dbSchema.tables) {
    if (!expectedNames.has(table.name)) {
      differences.push(`table "${table.name}" exists in the database but not in the schema`);
    }
  }

  return differences;
}

function compareEnums(expected: DbEnum[], actual: DbEnum[], differences: string[]): void {
  const actualByName = new Map(actual.map((e) => [e.name, e]));
  for (const e of expected) {
    const found = actualByName.get(e.name);
    if (!found) {
      differences.push(`enum ${e.name}: type "${e.name}" is missing from the database`);
    } else if (found.values.join('\u0000') !== e.values.join('\u0000')) {
      differences.push(`enum ${e.name}: values are (${found.values.join(', ')}) in the database, expected (${e.values.join(', ')})`);
    }
  }
  const expectedNames = new Set(expected.map((e) => e.name));
  for (const e of actual) {
    if (!expectedNames.has(e.name)) differences.push(`enum type "${e.name}" exists in the database but not in the schema`);
  }
}

function describeExpectedType(type: ExpectedType): string {
  return type.kind === 'enum' ? `"${type.enumName}"${type.isArray ? '[]' : ''}` : type.formattedType;
}

function typesMatch(type: ExpectedType, column: DbColumn): boolean {
  if (type.kind === 'enum') return column.isEnum && column.baseTypeName === type.enumName && column.isArray === type.isArray;
  return !column.isEnum && column.formattedType === type.formattedType;
}

function compareColumns(table: ExpectedTable, actual: DbTable, differences: string[]): void {
  const actualColumns = new Map(actual.columns.map((c) => [c.name, c]));
  for (const column of table.columns) {
    const where = `${column.model}.${column.field}`;
    const found = actualColumns.get(column.name);
    if (!found) {
      differences.push(`${where}: column "${column.name}" is missing from table "${table.name}"`);
      continue;
    }
    if (!typesMatch(column.type, found)) {
      differences.push(
        `${where}: column "${table.name}"."${column.name}" has type ${found.formattedType}, expected ${describeExpectedType(column.type)}`,
      );
    }
    if (found.nullable !== column.nullable) {
      differences.push(
        `${where}: column "${table.name}"."${column.name}" is ${found.nullable ? 'nullable' : 'NOT NULL'}, expected ${column.nullable ? 'nullable' : 'NOT NULL'}`,
      );
    }
    const parsed = parseDatabaseDefault(found.default, found);
    if (!defaultsMatch(column.default, parsed, found)) {
      differences.push(
        `${where}: column "${table.name}"."${column.name}" has ${found.default === null ? 'no default' : `default ${found.default} (${describeParsed(parsed)})`}, expected ${describeExpected(column.default)}`,
      );
    }
  }
  const expectedColumns = new Set(table.columns.map((c) => c.name));
  for (const column of actual.columns) {
    if (!expectedColumns.has(column.name)) {
      differences.push(`${table.model}: column "${table.name}"."${column.name}" exists in the database but not in the schema`);
    }
  }
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function comparePrimaryKey(table: ExpectedTable, actual: DbTable, differences: string[]): void {
  const want = table.primaryKey;
  const got = actual.primaryKey;
  if (!want && !got) return;
  if (!want && got) {
    differences.push(`${table.model}: table "${table.name}" has primary key "${got.name}" (${got.columns.join(', ')}) not in the schema`);
    return;
  }
  if (want && !got) {
    differences.push(`${table.model}: primary key "${want.name}" (${want.columns.join(', ')}) is missing from table "${table.name}"`);
    return;
  }
  if (want && got) {
    if (!sameList(want.columns, got.columns)) {
      differences.push(
        `${table.model}: primary key of "${table.name}" is (${got.columns.join(', ')}), expected (${want.columns.join(', ')})`,
      );
    }
    if (want.name !== got.name) {
      differences.push(`${table.model}: primary key of "${table.name}" is named "${got.name}", expected "${want.name}"`);
    }
  }
}

function describeIndex(index: { unique: boolean; columns: string[] }): string {
  return `${index.unique ? 'unique index' : 'index'} on (${index.columns.join(', ')})`;
}

function compareIndexes(table: ExpectedTable, actual: DbTable, differences: string[]): void {
  const remaining = new Map(actual.indexes.map((i) => [i.name, i]));

  for (const index of table.indexes) {
    const byName = remaining.get(index.name);
    const found = byName ?? [...remaining.values()].find((i) => i.unique === index.unique && sameList(i.columns, index.columns));
    if (!found) {
      differences.push(`${index.model}: ${index.label}: ${describeIndex(index)} "${index.name}" is missing from table "${table.name}"`);
      continue;
    }
    remaining.delete(found.name);
    const problems: string[] = [];
    if (found.name !== index.name) problems.push(`is named "${found.name}", expected "${index.name}"`);
    if (!sameList(found.columns, index.columns)) {
      problems.push(`covers (${found.columns.join(', ')}), expected (${index.columns.join(', ')})`);
    }
    if (found.unique !== index.unique) problems.push(found.unique ? 'is unique, expected non-unique' : 'is not unique');
    if (!sameList(found.descending, index.descending)) problems.push('has different sort orders');
    if (found.method !== index.method) problems.push(`uses ${found.method}, expected ${index.method}`);
    if (found.predicate !== null) problems.push(`is partial (WHERE ${found.predicate})`);
    for (const problem of problems) {
      differences.push(`${index.model}: ${index.label}: index "${found.name}" on table "${table.name}" ${problem}`);
    }
  }

  for (const index of remaining.values()) {
    differences.push(`${table.model}: ${describeIndex(index)} "${index.name}" exists on table "${table.name}" but not in the schema`);
  }
}

function compareForeignKeys(table: ExpectedTable, actual: DbTable, differences: string[]): void {
  const remaining = new Map(actual.foreignKeys.map((fk) => [fk.name, fk]));

  for (const fk of table.foreignKeys) {
    const where = `${fk.model}.${fk.field}`;
    const byName = remaining.get(fk.name);
    const found =
      byName ??
      [...remaining.values()].find(
        (candidate) => candidate.referencedTable === fk.referencedTable && sameList(candidate.columns, fk.columns),
      );
    if (!found) {
      differences.push(
        `${where}: foreign key "${fk.name}" (${fk.columns.join(', ')}) → "${fk.referencedTable}"(${fk.referencedColumns.join(', ')}) is missing from table "${table.name}"`,
      );
      continue;
    }
    remaining.delete(found.name);
    const problems: string[] = [];
    if (found.name !== fk.name) problems.push(`is named "${found.name}", expected "${fk.name}"`);
    if (!sameList(found.columns, fk.columns))
      problems.push(`constrains (${found.columns.join(', ')}), expected (${fk.columns.join(', ')})`);
    if (found.referencedTable !== fk.referencedTable || !sameList(found.referencedColumns, fk.referencedColumns)) {
      problems.push(
        `references "${found.referencedTable}"(${found.referencedColumns.join(', ')}), expected "${fk.referencedTable}"(${fk.referencedColumns.join(', ')})`,
      );
    }
    if (found.onDelete !== fk.onDelete) problems.push(`has ON DELETE ${found.onDelete}, expected ON DELETE ${fk.onDelete}`);
    if (found.onUpdate !== fk.onUpdate) problems.push(`has ON UPDATE ${found.onUpdate}, expected ON UPDATE ${fk.onUpdate}`);
    for (const problem of problems) {
      differences.push(`${where}: foreign key "${found.name}" on table "${table.name}" ${problem}`);
    }
  }

  for (const fk of remaining.values()) {
    differences.push(
      `${table.model}: foreign key "${fk.name}" (${fk.columns.join(', ')}) → "${fk.referencedTable}" exists on table "${table.name}" but not in the schema`,
    );
  }
}
