import type { Database } from '../server/src/db/database';
import { ROW_SHAPES } from '../server/src/db/tables';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from './support/databases';

/** knex's own bookkeeping, named in migrator.ts: not Baton's data. */
const MIGRATION_TABLES = ['baton_migrations', 'baton_migrations_lock'];

interface LiveColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
}

/** A declared column, read from its JSON Schema: nullable when one of its variants is null. */
interface DeclaredColumn {
  nullable: boolean;
  /** The JSON Schema types of the non-null variants (`Date` is TypeBox's own). */
  types: string[];
  format: string | undefined;
}

interface JsonSchemaNode {
  type?: string;
  format?: string;
  anyOf?: JsonSchemaNode[];
}

/** The variants of a union, nested unions (a nullable set of values) taken apart. */
const variantsOf = (schema: JsonSchemaNode): JsonSchemaNode[] => (schema.anyOf ? schema.anyOf.flatMap(variantsOf) : [schema]);

function declared(schema: JsonSchemaNode): DeclaredColumn {
  const variants = variantsOf(schema);
  const values = variants.filter((variant) => variant.type !== 'null');
  return {
    nullable: values.length < variants.length,
    types: [...new Set(values.map((variant) => variant.type ?? 'unknown'))],
    format: values.length === 1 ? values[0].format : undefined,
  };
}

/**
 * The SQL types whose values the clients hand back as the declared type: bigint as a number
 * (database.ts parses int8 so), timestamptz as a Date, jsonb parsed into objects and arrays.
 */
function compatibleSqlTypes(column: DeclaredColumn): string[] {
  if (column.types.length !== 1) return [];
  switch (column.types[0]) {
    case 'string':
      return column.format === 'uuid' ? ['uuid'] : ['text', 'character varying'];
    case 'integer':
      return ['smallint', 'integer', 'bigint'];
    case 'boolean':
      return ['boolean'];
    case 'Date':
      return ['timestamp with time zone'];
    case 'object':
    case 'array':
      return ['jsonb'];
    default:
      return [];
  }
}

describe.each(DATABASE_KINDS)('row shapes against the migrated schema [%s]', (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let live: Map<string, LiveColumn[]>;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = await testDb.open();
    const columns = await db
      .knex<LiveColumn>('information_schema.columns')
      .select('table_name', 'column_name', 'data_type', 'is_nullable')
      .where('table_schema', db.knex.raw('current_schema()'));
    live = new Map();
    for (const column of columns.filter((c) => !MIGRATION_TABLES.includes(c.table_name))) {
      live.set(column.table_name, [...(live.get(column.table_name) ?? []), column]);
    }
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('declares a row shape for every table, and a table for every row shape', () => {
    expect([...live.keys()].sort()).toEqual(Object.keys(ROW_SHAPES).sort());
  });

  it.each(Object.entries(ROW_SHAPES))('%s: the same columns', (table, shape) => {
    const columns = (live.get(table) ?? []).map((column) => column.column_name);

    expect(columns.sort()).toEqual(Object.keys(shape.properties).sort());
  });

  it.each(Object.entries(ROW_SHAPES))('%s: nullable where the column is, and of a compatible SQL type', (table, shape) => {
    const properties = shape.properties as Record<string, JsonSchemaNode>;
    const mismatches: string[] = [];

    for (const column of live.get(table) ?? []) {
      const wanted = properties[column.column_name];
      if (!wanted) continue;
      const declaration = declared(wanted);
      if (declaration.nullable !== (column.is_nullable === 'YES')) mismatches.push(`${column.column_name}: nullable in SQL is ${column.is_nullable}`);
      const compatible = compatibleSqlTypes(declaration);
      if (!compatible.includes(column.data_type))
        mismatches.push(`${column.column_name}: ${column.data_type} is not one of [${compatible.join(', ')}] (declared ${declaration.types.join(' | ')})`);
    }

    expect(mismatches).toEqual([]);
  });
});
