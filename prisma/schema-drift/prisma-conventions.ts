/**
 * How Prisma maps a schema onto PostgreSQL by default: constraint names, column types per scalar and native
 * type, referential actions and index methods.
 */
import type { ReferentialAction } from './database';
import type { DmmfField } from './dmmf';

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

export const PRISMA_ACTIONS: Record<string, ReferentialAction> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

/** Index algorithms of `@@index(type: ...)` as pg_am names. */
export const INDEX_METHODS: Record<string, string> = {
  BTree: 'btree',
  Hash: 'hash',
  Gist: 'gist',
  Gin: 'gin',
  SpGist: 'spgist',
  Brin: 'brin',
};

export const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

/** The column type of a scalar field: its `@db.X` native type, else Prisma's default for the scalar. */
export function scalarColumnType(field: DmmfField): string {
  if (field.nativeType) return nativeColumnType(field.nativeType[0], field.nativeType[1]);
  return SCALAR_COLUMN_TYPES[field.type] ?? field.type.toLowerCase();
}
