import { OptionalKind, Type, type SchemaOptions, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * Helpers for declaring shapes once, with TypeBox: each declaration is the JSON Schema (for ajv
 * and the OpenAPI document) and, through `Static`, the TypeScript type. They live outside http/ so
 * that the domain areas can declare the shapes they take, and http/ import them.
 */

const componentNames = new WeakMap<TSchema, string>();

/** A schema the OpenAPI document holds once, under `#/components/schemas/<name>`. */
export function component<T extends TSchema>(name: string, schema: T): T {
  componentNames.set(schema, name);
  return schema;
}

/** The name a component was declared under; throws for a schema that is not one. */
export function componentName(schema: TSchema): string {
  const name = componentNames.get(schema);
  if (name === undefined) throw new Error('this schema was not declared as a component');
  return name;
}

/** The components by name, as the OpenAPI document lists them. */
export function componentsByName(schemas: readonly TSchema[]): Record<string, TSchema> {
  return Object.fromEntries(schemas.map((schema) => [componentName(schema), schema]));
}

/** A `$ref` to a component that carries the component's type. */
export function ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>({ $ref: `#/components/schemas/${componentName(schema)}` });
}

/** `{ enum: [...] }`: ajv then names the allowed values in one message, where a union of constants would give one per value. */
export function StringEnum<const T extends readonly (string | null)[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, enum: values });
}

/** `{ oneOf: [...] }`: exactly one branch matches (TypeBox's unions are `anyOf`). */
export function OneOf<const T extends readonly TSchema[]>(schemas: T, options: SchemaOptions = {}): TUnsafe<Static<T[number]>> {
  return Type.Unsafe<Static<T[number]>>({ ...options, oneOf: schemas });
}

/** A primitive schema that also allows null: `{ type: [<type>, 'null'] }`. */
export function Nullable<T extends TSchema & { type: string }>(schema: T, options: SchemaOptions = {}): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: [schema.type, 'null'] });
}

/** An object of any keys whose values all match `value`: `{ type: 'object', additionalProperties: value }`. */
export function Dictionary<T extends TSchema>(value: T, options: SchemaOptions = {}): TUnsafe<Record<string, Static<T>>> {
  return Type.Unsafe<Record<string, Static<T>>>({ ...options, type: 'object', additionalProperties: value });
}

/** Any JSON object, its members unchecked: open on purpose, and saying so. */
export function AnyObject(options: SchemaOptions = {}): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({ ...options, type: 'object', additionalProperties: true });
}

/**
 * A member the client may leave out, which validation fills in with `value` (ajv runs with
 * `useDefaults`): optional in the schema, present in the type, since code only ever sees the
 * validated value.
 */
export function Defaulted<T extends TSchema>(schema: T, value: Static<T>): T {
  // The schema carries the optional mark (so it is left out of `required`); its declared type does not.
  return { ...schema, default: value, [OptionalKind]: 'Optional' };
}
