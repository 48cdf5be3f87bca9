/**
 * The plugin protocol's messages and answers, declared once: each schema is the JSON Schema the
 * host checks a worker's answer against, and `Static<typeof X>` is the type protocol.ts exports.
 * `@baton/plugin-api` keeps hand-written types of its own (it has no dependencies); a type-level
 * test holds the two in agreement.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { Dictionary, Nullable as NullableValue } from '../schema-components';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ConfigurationMapSchema = Type.Record(Type.String(), Type.String());

/**
 * A revision in its wire form (and as the server stores it): snake_case, the timestamp as RFC 3339
 * text. The API shows revisions in this same form, closed, as the `Revision` component. A plugin's
 * answer is held to the timestamp's format by the revision rules, whose messages speak to its author.
 */
export const WireRevisionSchema = Type.Object({
  revision: Type.String(),
  timestamp: Type.String({ format: 'date-time' }),
  user: NullableValue(Type.String()),
  comment: NullableValue(Type.String()),
  trackback_url: NullableValue(Type.String()),
  data: Dictionary(Type.String()),
});

export const PropertyTypeSchema = Type.Union([Type.Literal('string'), Type.Literal('boolean'), Type.Literal('integer')]);

/** A configuration property with every attribute filled in, as plugins describe them. */
export const ResolvedPropertySchema = Type.Object({
  key: Type.String(),
  displayName: Type.String(),
  displayOrder: Type.Number(),
  defaultValue: Nullable(Type.String()),
  required: Type.Boolean(),
  secure: Type.Boolean(),
  partOfIdentity: Type.Boolean(),
  description: Type.String(),
  type: PropertyTypeSchema,
  enum: Nullable(Type.Array(Type.String())),
});

export const ValidationErrorSchema = Type.Object({ key: Type.String(), message: Type.String() });

export const WireErrorSchema = Type.Object({
  kind: Type.Union([Type.Literal('transient'), Type.Literal('permanent'), Type.Literal('bug')]),
  code: Type.String(),
  message: Type.String(),
  retry_after_seconds: Nullable(Type.Number()),
});

export const SettingDeclarationSchema = Type.Union([
  Type.Object({
    type: Type.Literal('integer'),
    default: Type.Number(),
    description: Type.String(),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
  }),
  Type.Object({ type: Type.Literal('string'), default: Type.String(), description: Type.String() }),
  Type.Object({ type: Type.Literal('boolean'), default: Type.Boolean(), description: Type.String() }),
]);

// Requests, host → worker.

const RepositoryQuestion = Type.Object({ repository_configuration: ConfigurationMapSchema });
const PackageQuestion = Type.Object({ repository_configuration: ConfigurationMapSchema, package_configuration: ConfigurationMapSchema });

export const BatchItemSchema = Type.Object({
  key: Type.String(),
  package_configuration: ConfigurationMapSchema,
  previous_revision: Nullable(WireRevisionSchema),
});

export const RequestSchemas = {
  'repository-configuration': Type.Object({}),
  'package-configuration': Type.Object({}),
  'validate-repository-configuration': RepositoryQuestion,
  'validate-package-configuration': PackageQuestion,
  'check-repository-connection': RepositoryQuestion,
  'check-package-connection': PackageQuestion,
  'latest-revision': PackageQuestion,
  'latest-revision-since': Type.Object({
    repository_configuration: ConfigurationMapSchema,
    package_configuration: ConfigurationMapSchema,
    previous_revision: WireRevisionSchema,
  }),
  'latest-revisions-since': Type.Object({ repository_configuration: ConfigurationMapSchema, packages: Type.Array(BatchItemSchema) }),
};

// Answers, worker → host, as a worker sends them. The host's checks add what schemas cannot say
// (revision rules, sizes, one batch result per key asked) and fill in optional fields.

/** What a revision question answers: the revision or null, and warnings the host records on the package. */
export const RevisionAnswerSchema = Type.Object({
  revision: Nullable(WireRevisionSchema),
  warnings: Type.Optional(Type.Array(Type.String())),
});

const Properties = Type.Object({ properties: Type.Array(ResolvedPropertySchema) });
const Errors = Type.Object({ errors: Type.Array(ValidationErrorSchema) });
export const CheckAnswerSchema = Type.Object({ ok: Type.Boolean(), messages: Type.Array(Type.String()) });
export const PackageCheckAnswerSchema = Type.Object({
  ok: Type.Boolean(),
  messages: Type.Array(Type.String()),
  revision: Type.Optional(Nullable(WireRevisionSchema)),
});

/**
 * One package of a batch answer: a result, or the error that concerns that package only. The
 * absent field is declared `never` so code can tell the two apart by looking at either.
 */
export const BatchEntrySchema = Type.Union([
  Type.Object({ key: Type.String(), result: RevisionAnswerSchema, error: Type.Optional(Type.Never()) }),
  Type.Object({ key: Type.String(), error: WireErrorSchema, result: Type.Optional(Type.Never()) }),
]);

export const AnswerSchemas = {
  'repository-configuration': Properties,
  'package-configuration': Properties,
  'validate-repository-configuration': Errors,
  'validate-package-configuration': Errors,
  'check-repository-connection': CheckAnswerSchema,
  'check-package-connection': PackageCheckAnswerSchema,
  'latest-revision': RevisionAnswerSchema,
  'latest-revision-since': RevisionAnswerSchema,
  'latest-revisions-since': Type.Object({ results: Type.Array(BatchEntrySchema) }),
};

// Messages between host and worker.

export const RequestNameSchema = Type.Union(Object.keys(RequestSchemas).map((name) => Type.Literal(name as keyof typeof RequestSchemas)));

export const PluginDescriptorSchema = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  version: Type.String(),
  apiVersion: Type.Number(),
  capabilities: Type.Object({ batch: Type.Boolean() }),
  repositoryProperties: Type.Array(ResolvedPropertySchema),
  packageProperties: Type.Array(ResolvedPropertySchema),
  settings: Type.Record(Type.String(), SettingDeclarationSchema),
  environment: Type.Array(Type.String()),
  fetchCredentials: Nullable(
    Type.Object({
      urlKey: Type.String(),
      basic: Type.Optional(Type.Object({ username: Type.String(), password: Type.String() })),
      bearer: Type.Optional(Type.Object({ token: Type.String() })),
    }),
  ),
});

/**
 * The worker's own isolate, sampled inside it, in bytes. `external` includes `array_buffers`, so
 * a worker holds `heap_used + external`; `peak_total` is the most it held since it started.
 */
export const WorkerMemorySampleSchema = Type.Object({
  heap_used: Type.Number(),
  external: Type.Number(),
  array_buffers: Type.Number(),
  peak_total: Type.Number(),
  sampled_at: Type.String(),
});

const V = Type.Literal(1);
const AnyRequestPayload = Type.Union(Object.values(RequestSchemas));
const AnyAnswer = Type.Union(Object.values(AnswerSchemas));

export const HostMessageSchema = Type.Union([
  Type.Object({
    v: V,
    type: Type.Literal('request'),
    id: Type.Number(),
    name: RequestNameSchema,
    scope: Nullable(Type.String()),
    payload: AnyRequestPayload,
    // The scope's store as the call began, when the host sent it: reads are answered from its
    // values; a deferred key's value (too large to carry) is asked for with a store message.
    store: Type.Optional(Nullable(Type.Object({ values: Type.Record(Type.String(), Type.String()), deferred: Type.Array(Type.String()) }))),
  }),
  Type.Object({ v: V, type: Type.Literal('cancel'), id: Type.Number() }),
  Type.Object({ v: V, type: Type.Literal('store-reply'), id: Type.Number(), ok: Type.Literal(true), value: Nullable(Type.String()) }),
  Type.Object({ v: V, type: Type.Literal('store-reply'), id: Type.Number(), ok: Type.Literal(false), message: Type.String(), transient: Type.Boolean() }),
]);

export const WorkerMessageSchema = Type.Union([
  Type.Object({ v: V, type: Type.Literal('ready'), descriptor: PluginDescriptorSchema }),
  Type.Object({ v: V, type: Type.Literal('load-failed'), message: Type.String() }),
  // `memory`: the worker's sample as the call ended.
  Type.Object({
    v: V,
    type: Type.Literal('response'),
    id: Type.Number(),
    ok: Type.Literal(true),
    result: AnyAnswer,
    memory: Type.Optional(WorkerMemorySampleSchema),
  }),
  Type.Object({
    v: V,
    type: Type.Literal('response'),
    id: Type.Number(),
    ok: Type.Literal(false),
    error: WireErrorSchema,
    memory: Type.Optional(WorkerMemorySampleSchema),
  }),
  // `request_id` names the call the access belongs to; the host uses that call's scope, whatever `scope` says.
  Type.Object({
    v: V,
    type: Type.Literal('store'),
    id: Type.Number(),
    request_id: Type.Number(),
    scope: Type.String(),
    op: Type.Union([Type.Literal('get'), Type.Literal('set'), Type.Literal('delete')]),
    key: Type.String(),
    value: Type.Optional(Type.String()),
  }),
  Type.Object({
    v: V,
    type: Type.Literal('log'),
    level: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
    message: Type.String(),
    fields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    request_id: Type.Optional(Type.Number()),
  }),
  Type.Composite([Type.Object({ v: V, type: Type.Literal('memory') }), WorkerMemorySampleSchema]),
]);
