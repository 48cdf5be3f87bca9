import { Type, type TLiteral, type TNull, type TSchema, type TString, type TUnion } from '@sinclair/typebox';

/**
 * The column types row shapes are declared with: each is what the database client hands back for
 * that SQL type (see database.ts: bigint arrives as a number, timestamptz as a Date, jsonb parsed).
 * A test compares every declared shape with the migrated schema's columns.
 */

/** A `uuid` column; a plain `Type.String()` stands for `text`. */
export const uuid = (): TString => Type.String({ format: 'uuid' });

/** A column that may be NULL. */
export const nullable = <T extends TSchema>(type: T): TUnion<[T, TNull]> => Type.Union([type, Type.Null()]);

type Literals<T extends string[]> = { [K in keyof T]: TLiteral<T[K]> };

/** A `text` column whose CHECK constraint allows these values only. */
export function oneOf<const T extends string[]>(...values: T): TUnion<Literals<T>> {
  return Type.Union(values.map((value) => Type.Literal(value))) as unknown as TUnion<Literals<T>>;
}
