import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { ConfigurationEntryInput, PackageInput, RepositoryInput, UnsavedPackageInput, UnsavedRepositoryInput } from '../materials/input-schemas';
import { InvalidInput } from '../domain-errors';
import { ROLES } from '../security/roles';
import { AnyObject, component, componentsByName, Dictionary, Nullable, OneOf, ref, StringEnum } from '../schema-components';
import { PollState } from '../materials/polling/poll-state-schema';
import { ConnectionCheck } from '../materials/plugin-calls';
import { PluginRefusal } from '../plugins/plugin-info';
import { Revision } from '../materials/revision-schema';
import { POLLING_SCHEMAS, RecordedRevision } from './polling-schemas';
import { RUN_SCHEMAS } from './run-schemas';
import { PIPELINE_SCHEMAS } from './pipeline-schemas';
import { WEBHOOK_SCHEMAS } from './webhook-schemas';

/** Schemas shared by several routes; the OpenAPI document holds each once, under components. */

export { ref };

const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Bytes = Type.Integer({ minimum: 0 });
const name = Type.String({ description: 'Letters, digits, `.`, `_`, `-`; 1 to 255 characters; unique regardless of case.' });

export const ID_PARAM = { id: Uuid };

/** Ids are UUIDs; a path id that is not one names nothing. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ETag header of a single configurable resource. */
export const ETAG_HEADER = { ETag: { description: 'The configuration version; send it back as If-Match.', schema: Type.String() } };

export const PAGE_QUERY = {
  limit: { description: 'Page size, 1 to 500 (default 50).', schema: Type.String({ pattern: '^[0-9]+$' }) },
  cursor: { description: 'The `next_cursor` of the previous page.', schema: Type.String() },
};

/** Lists hide what was deleted but kept for its history; this shows it too. */
export const INCLUDE_DELETED_QUERY = {
  include_deleted: {
    description: '`true` lists deleted ones kept for their history too (marked by `deleted_at`).',
    schema: Type.String({ enum: ['true', 'false'] }),
  },
};

/** Whether a list asked for deleted ones too; a value other than `true` or `false` is refused, not read as `false`. */
export function includesDeleted(query: { include_deleted?: string }): boolean {
  const value = query.include_deleted;
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw InvalidInput.field('include_deleted', `include_deleted must be 'true' or 'false', not '${value}'`);
}

const DELETED_AT = 'When it was deleted; it is kept, archived, for its history (its revisions and their promotions). Null while it is live.';

/** A collection answer: `{ "<plural>": [ … ], "next_cursor": … }`. */
export function collection<K extends string, T extends TSchema>(plural: K, item: T): TUnsafe<{ [P in K]: Static<T>[] } & { next_cursor: string | null }> {
  return Type.Unsafe({
    type: 'object',
    required: [plural, 'next_cursor'],
    properties: { [plural]: Type.Array(item), next_cursor: Nullable(Type.String()) },
    additionalProperties: false,
  });
}

export const Problem = component(
  'Problem',
  Type.Object(
    {
      type: Type.String(),
      title: Type.String(),
      status: Type.Integer(),
      detail: Type.String(),
      errors: Type.Optional(
        Dictionary(Type.Array(Type.String()), { description: 'Field paths (`name`, `configuration.REPO_URL`) to what is wrong with each.' }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const ConfigurationEntry = component(
  'ConfigurationEntry',
  OneOf([
    Type.Object({ key: Type.String(), value: Type.String() }, { additionalProperties: false }),
    Type.Object({ key: Type.String(), encrypted_value: Type.String() }, { additionalProperties: false }),
  ]),
);

export const FieldErrors = component('FieldErrors', Dictionary(Type.Array(Type.String())));

export const ConfigurationProperty = component(
  'ConfigurationProperty',
  Type.Object(
    {
      key: Type.String(),
      display_name: Type.String(),
      display_order: Type.Integer(),
      default_value: Nullable(Type.String()),
      required: Type.Boolean(),
      secure: Type.Boolean(),
      part_of_identity: Type.Boolean(),
      description: Type.String(),
      type: StringEnum(['string', 'boolean', 'integer'], { description: 'Which values are allowed: any text, true or false, or a decimal integer.' }),
      enum: Type.Unsafe<string[] | null>({
        type: ['array', 'null'],
        items: Type.String(),
        description: 'The only values allowed, or null when any value of the type is.',
      }),
    },
    { additionalProperties: false },
  ),
);

export const PluginMemory = component(
  'PluginMemory',
  Type.Object(
    { heap_used_bytes: Bytes, external_bytes: Bytes, array_buffers_bytes: Bytes, peak_total_bytes: Bytes, sampled_at: DateTime },
    {
      additionalProperties: false,
      description:
        'Bytes, sampled inside the workers: the latest sample of each worker, added up; `peak_total_bytes` is the most one worker has held (heap used plus external, which includes array buffers) since it started. Null until a worker has reported.',
    },
  ),
);

export const Plugin = component(
  'Plugin',
  Type.Object(
    {
      id: Type.String(),
      display_name: Type.String(),
      version: Type.String(),
      api_version: Type.Integer(),
      source: StringEnum(['bundled', 'external']),
      status: StringEnum(['ok', 'restarting', 'failed']),
      last_error: Nullable(Type.String()),
      last_error_at: Nullable(DateTime),
      capabilities: Type.Object({ batch: Type.Boolean() }, { additionalProperties: false }),
      repository_configuration: Type.Array(ref(ConfigurationProperty)),
      package_configuration: Type.Array(ref(ConfigurationProperty)),
      environment: Type.Array(Type.String(), {
        description:
          "Variables of the server's environment the plugin's workers receive besides the proxy variables and its own settings: names, or prefixes ending in *. Administrators add names with BATON_PLUGIN_<ID>_PASS_ENV.",
      }),
      memory: OneOf([Type.Null(), ref(PluginMemory)]),
    },
    { additionalProperties: false },
  ),
);

export const Repository = component(
  'Repository',
  Type.Object(
    {
      id: Uuid,
      name: Type.String(),
      plugin_id: Type.String(),
      configuration: Type.Array(ref(ConfigurationEntry)),
      packages: Type.Array(Type.Object({ id: Uuid, name: Type.String() }, { additionalProperties: false })),
      configuration_errors: ref(FieldErrors),
      created_at: DateTime,
      updated_at: DateTime,
      deleted_at: Nullable(DateTime, { description: DELETED_AT }),
    },
    { additionalProperties: false },
  ),
);

export const Package = component(
  'Package',
  Type.Object(
    {
      id: Uuid,
      name: Type.String(),
      repository_id: Uuid,
      configuration: Type.Array(ref(ConfigurationEntry)),
      auto_update: Type.Boolean(),
      poll_interval_seconds: Type.Integer(),
      configuration_errors: ref(FieldErrors),
      latest_revision: OneOf([Type.Null(), ref(RecordedRevision)]),
      poll: ref(PollState),
      created_at: DateTime,
      updated_at: DateTime,
      deleted_at: Nullable(DateTime, { description: DELETED_AT }),
    },
    { additionalProperties: false },
  ),
);

export const TokenInput = component('TokenInput', Type.Object({ name, role: StringEnum(ROLES) }, { additionalProperties: false }));

export const Token = component(
  'Token',
  Type.Object(
    {
      id: Uuid,
      name: Type.String(),
      role: StringEnum(ROLES),
      created_by: Nullable(Type.String()),
      created_at: DateTime,
      last_used_at: Nullable(DateTime),
    },
    { additionalProperties: false },
  ),
);

export const CreatedToken = component(
  'CreatedToken',
  Type.Object(
    { id: Uuid, name: Type.String(), role: StringEnum(ROLES), token: Type.String({ description: 'Shown this once only.' }) },
    { additionalProperties: false },
  ),
);

export const SignInInput = component(
  'SignInInput',
  Type.Object({ token: Type.String({ minLength: 1, description: 'An API token; the browser does not keep it.' }) }, { additionalProperties: false }),
);

export const SignInSession = component(
  'SignInSession',
  Type.Object(
    {
      name: Type.String({ description: "The token's name: who the session acts as." }),
      role: StringEnum(ROLES),
      expires_at: DateTime,
    },
    { additionalProperties: false },
  ),
);

export const AuditEntry = component(
  'AuditEntry',
  Type.Object(
    {
      id: Type.Integer(),
      occurred_at: DateTime,
      actor: Type.String(),
      action: Type.String(),
      resource_type: Type.String(),
      resource_id: Nullable(Type.String()),
      details: AnyObject(),
    },
    { additionalProperties: false },
  ),
);

/** Every component of the OpenAPI document, by name. */
export const SCHEMAS: Record<string, TSchema> = componentsByName([
  Problem,
  ConfigurationEntryInput,
  ConfigurationEntry,
  FieldErrors,
  ConfigurationProperty,
  Plugin,
  PluginMemory,
  PluginRefusal,
  RepositoryInput,
  UnsavedRepositoryInput,
  Repository,
  PackageInput,
  UnsavedPackageInput,
  Package,
  ConnectionCheck,
  Revision,
  ...POLLING_SCHEMAS,
  TokenInput,
  Token,
  CreatedToken,
  SignInInput,
  SignInSession,
  AuditEntry,
  ...WEBHOOK_SCHEMAS,
  ...RUN_SCHEMAS,
  ...PIPELINE_SCHEMAS,
]);
