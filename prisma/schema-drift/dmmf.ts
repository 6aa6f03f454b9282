/**
 * The schema side: `prisma/schema/*.prisma` parsed into its DMMF by @prisma/prisma-schema-wasm (the subset of
 * get_dmmf's output the drift check uses).
 */

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
  /** The model's `///` comments, one line each. */
  documentation?: string;
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

/**
 * Parses a Prisma schema into its DMMF: its files as [name, text] pairs (prisma/schema/ holds several), or one file's
 * text. The wasm module is loaded on first use, not at import.
 */
export async function loadDmmf(schema: string | Array<[string, string]>): Promise<Dmmf> {
  const { get_dmmf: getDmmf } = await import('@prisma/prisma-schema-wasm');
  return JSON.parse(getDmmf(JSON.stringify({ prismaSchema: typeof schema === 'string' ? [['schema.prisma', schema]] : schema }))) as Dmmf;
}
