/**
 * The comparison: every difference between the expected and the real schema as one human-readable line.
 */
import type { DbColumn, DbEnum, DbSchema, DbTable } from './database';
import { defaultsMatch, describeExpected, describeParsed, parseDatabaseDefault, sameList } from './defaults';
import type { Dmmf } from './dmmf';
import { buildExpectedSchema, type ExpectedTable, type ExpectedType } from './expected-schema';

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
