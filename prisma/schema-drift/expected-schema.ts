/**
 * The database a DMMF asks for, in the terms of the database side: tables with their columns, keys, indexes
 * and foreign keys (implicit many-to-many join tables included), and enums.
 */
import type { DbEnum, DbForeignKey } from './database';
import { canonicalTimestamp } from './defaults';
import type { Dmmf, DmmfEnum, DmmfField, DmmfFieldDefault, DmmfFieldDefaultFunction, DmmfModel } from './dmmf';
import { CLIENT_SIDE_DEFAULTS, INDEX_METHODS, PRISMA_ACTIONS, prismaConstraintNames, scalarColumnType } from './prisma-conventions';

export type ExpectedType = { kind: 'enum'; enumName: string; isArray: boolean } | { kind: 'scalar'; formattedType: string };

export type ExpectedDefault =
  | { kind: 'none' }
  | { kind: 'sequence' }
  | { kind: 'now' }
  | { kind: 'expression'; sql: string }
  | { kind: 'value'; value: CanonicalValue };

/** A default value in comparable form: a scalar rendered as text, or a list of them. */
export type CanonicalValue = { list: false; text: string; json: boolean; numeric: boolean } | { list: true; items: string[] };

export interface ExpectedColumn {
  model: string;
  field: string;
  name: string;
  type: ExpectedType;
  nullable: boolean;
  default: ExpectedDefault;
}

export interface ExpectedIndex {
  model: string;
  name: string;
  columns: string[];
  descending: boolean[];
  unique: boolean;
  method: string;
  /** How to name it in messages, e.g. `@@index([accountId, createdAt])`. */
  label: string;
}

/** A foreign key as the database should have it, and the relation field it comes from. */
export interface ExpectedForeignKey extends DbForeignKey {
  model: string;
  field: string;
}

export interface ExpectedTable {
  model: string;
  name: string;
  columns: ExpectedColumn[];
  primaryKey: { name: string; columns: string[] } | null;
  indexes: ExpectedIndex[];
  foreignKeys: ExpectedForeignKey[];
}

export interface ExpectedSchema {
  tables: ExpectedTable[];
  enums: DbEnum[];
}

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

/**
 * Indexes on expressions, which Prisma cannot declare: the model's documentation names each one as
 * `/// @expressionIndex <name> <expression>`, written as PostgreSQL prints it (`lower("customerEmail")`).
 */
function expressionIndexes(model: DmmfModel): ExpectedIndex[] {
  return [...(model.documentation ?? '').matchAll(/^@expressionIndex\s+(\S+)\s+(.+)$/gm)].map(([, name = '', expression = '']) => ({
    model: model.name,
    name,
    columns: [`(${expression.trim()})`],
    descending: [false],
    unique: false,
    method: 'btree',
    label: `@expressionIndex ${name}`,
  }));
}

export function buildExpectedSchema(dmmf: Dmmf): ExpectedSchema {
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

    expectedIndexes.push(...expressionIndexes(model));

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
