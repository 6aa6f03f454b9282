/**
 * Schema drift detection: compares what a PostgreSQL schema really contains with what
 * `prisma/schema/` (through its DMMF) says it should contain, the way
 * `prisma migrate diff --from-migrations --to-schema` would if the schema engine could run here.
 *
 * - `readDatabaseSchema(client)` introspects pg_catalog (tables, columns, enums, primary keys,
 *   unique and normal indexes, foreign keys). It only reads.
 * - `compareWithDmmf(dmmf, dbSchema)` is pure: it returns human-readable differences, empty when
 *   the database matches the schema.
 * - `loadDmmf(schemaText)` parses a schema with @prisma/prisma-schema-wasm (loaded lazily).
 *
 * Beside this file: database.ts (introspection), dmmf.ts (the schema side), prisma-conventions.ts and
 * expected-schema.ts (the database the schema asks for), defaults.ts (default expressions on both sides),
 * compare.ts (the differences, worded for people).
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
export { compareWithDmmf } from './compare';
export {
  readDatabaseSchema,
  type DbColumn,
  type DbEnum,
  type DbForeignKey,
  type DbIndex,
  type DbPrimaryKey,
  type DbSchema,
  type DbTable,
  type Queryable,
  type ReferentialAction,
} from './database';
export {
  loadDmmf,
  type Dmmf,
  type DmmfEnum,
  type DmmfField,
  type DmmfFieldDefault,
  type DmmfFieldDefaultFunction,
  type DmmfIndex,
  type DmmfModel,
} from './dmmf';
export { prismaConstraintNames } from './prisma-conventions';
