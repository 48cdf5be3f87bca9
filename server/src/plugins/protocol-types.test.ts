/**
 * The server derives the protocol's types from its schemas (protocol-schemas.ts); plugin authors
 * use @baton/plugin-api's hand-written types. This file holds the two in agreement, both ways, at
 * compile time: if either side changes a shared shape (a field renamed, made optional, widened),
 * `tsc -p tsconfig.tests.json` (run by `npm test` and `npm run lint`) fails on the line below
 * that compares it, with "Type 'true' is not assignable to type 'false'".
 */
import type {
  BatchAnswer,
  CheckResult,
  PackageCheckResult,
  PackageRevision,
  ResolvedProperty,
  RevisionResult,
  ValidationError,
  WireError,
} from '@baton/plugin-api';
import type { Static } from '@sinclair/typebox';
import type { PluginDescriptor, WireRevision, WorkerAnswers } from './protocol';
import type { ValidationErrorSchema, WireErrorSchema } from './protocol-schemas';

/** True only when A and B are the same type: mutual assignability is not enough (it lets `any` and optional fields through). */
type Equal<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;

/** Intersections and interfaces spelled out as one object type, recursively, so equal shapes compare equal. */
type Flat<T> = T extends Date ? T : T extends readonly (infer E)[] ? Flat<E>[] : T extends object ? { -readonly [K in keyof T]: Flat<T[K]> } : T;

/** `trackbackUrl` → `trackback_url`. */
type Snake<S extends string> = S extends `${infer H}${infer Rest}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Snake<Rest>}` : S;

/** A value as JSON carries it: a Date as RFC 3339 text. */
type OnWire<V> = V extends Date ? string : V;

/**
 * How the wire carries a plugin's revision: snake_case keys, the timestamp as text, an optional
 * field absent as null, `data` always present (empty when the plugin gave none).
 */
type RevisionOnWire<R = PackageRevision> = Flat<
  { [K in Exclude<keyof R, 'data'> as Snake<K & string>]-?: OnWire<Exclude<R[K], undefined>> | (undefined extends R[K] ? null : never) } & {
    data: NonNullable<R['data' & keyof R]>;
  }
>;

/** A plugin-api answer with its revision in wire form. */
type WithWireRevision<T> = Flat<{
  [K in keyof T]: K extends 'revision' ? (T[K] extends infer V ? (V extends PackageRevision ? RevisionOnWire : V) : never) : T[K];
}>;

type WireBatchAnswer = BatchAnswer extends infer A
  ? A extends { result: RevisionResult }
    ? { key: string; result: WithWireRevision<RevisionResult>; error?: never }
    : { key: string; error: WireError; result?: never }
  : never;

export const configurationProperty: Equal<PluginDescriptor['repositoryProperties'][number], ResolvedProperty> = true;
export const validationError: Equal<Static<typeof ValidationErrorSchema>, ValidationError> = true;
export const validationAnswer: Equal<WorkerAnswers['validate-package-configuration'], { errors: ValidationError[] }> = true;
export const wireError: Equal<Static<typeof WireErrorSchema>, WireError> = true;
export const revisionOnWire: Equal<WireRevision, RevisionOnWire> = true;
export const repositoryCheck: Equal<WorkerAnswers['check-repository-connection'], CheckResult> = true;
export const packageCheck: Equal<WorkerAnswers['check-package-connection'], WithWireRevision<PackageCheckResult>> = true;
export const latestRevision: Equal<WorkerAnswers['latest-revision'], WithWireRevision<RevisionResult>> = true;
export const latestRevisionSince: Equal<WorkerAnswers['latest-revision-since'], WithWireRevision<RevisionResult>> = true;
export const batchAnswer: Equal<WorkerAnswers['latest-revisions-since'], { results: WireBatchAnswer[] }> = true;

// The helper itself must tell shapes apart, or every line above would pass whatever the types.
export const tellsOptionalFromRequired: Equal<{ a?: string }, { a: string }> = false;
export const tellsNullableFromPlain: Equal<{ a: string | null }, { a: string }> = false;
export const tellsRenamedFields: Equal<RevisionOnWire, Omit<WireRevision, 'trackback_url'> & { trackbackUrl: string | null }> = false;

describe('protocol types', () => {
  it('agree with @baton/plugin-api (checked by the compiler)', () => {
    expect([configurationProperty, validationError, wireError, revisionOnWire, repositoryCheck, packageCheck, latestRevision, batchAnswer]).not.toContain(
      false,
    );
  });
});
