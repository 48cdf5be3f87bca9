import type { JsonSchema } from '../json-schema';
import { POLLING_SCHEMAS } from './polling-schemas';
import { RUN_SCHEMAS } from './run-schemas';
import { PIPELINE_SCHEMAS } from './pipeline-schemas';
import { WEBHOOK_SCHEMAS } from './webhook-schemas';

/** Schemas shared by several routes; the OpenAPI document holds each once, under components. */

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const uuid: JsonSchema = { type: 'string', format: 'uuid' };
const bytes: JsonSchema = { type: 'integer', minimum: 0 };
const name: JsonSchema = { type: 'string', description: 'Letters, digits, `.`, `_`, `-`; 1 to 255 characters; unique regardless of case.' };

export const ref = (schema: string): JsonSchema => ({ $ref: `#/components/schemas/${schema}` });

export const ID_PARAM: Record<string, JsonSchema> = { id: uuid };

/** Ids are UUIDs; a path id that is not one names nothing. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ETag header of a single configurable resource. */
export const ETAG_HEADER = { ETag: { description: 'The configuration version; send it back as If-Match.', schema: { type: 'string' } } };

export const PAGE_QUERY = {
  limit: { description: 'Page size, 1 to 500 (default 50).', schema: { type: 'string', pattern: '^[0-9]+$' } },
  cursor: { description: 'The `next_cursor` of the previous page.', schema: { type: 'string' } },
};

/** A collection answer: `{ "<plural>": [ … ], "next_cursor": … }`. */
export function collection(plural: string, item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: [plural, 'next_cursor'],
    properties: { [plural]: { type: 'array', items: item }, next_cursor: { type: ['string', 'null'] } },
    additionalProperties: false,
  };
}

export const SCHEMAS: Record<string, JsonSchema> = {
  Problem: {
    type: 'object',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      errors: {
        type: 'object',
        description: 'Field paths (`name`, `configuration.REPO_URL`) to what is wrong with each.',
        additionalProperties: { type: 'array', items: { type: 'string' } },
      },
    },
  },
  ConfigurationEntryInput: {
    type: 'object',
    required: ['key'],
    properties: {
      key: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
      value: { type: 'string', maxLength: 65536 },
      encrypted_value: { type: 'string', maxLength: 131072, description: 'A secure value as Baton returned it, sent back to keep it.' },
    },
    additionalProperties: false,
  },
  ConfigurationEntry: {
    oneOf: [
      { type: 'object', required: ['key', 'value'], properties: { key: { type: 'string' }, value: { type: 'string' } }, additionalProperties: false },
      {
        type: 'object',
        required: ['key', 'encrypted_value'],
        properties: { key: { type: 'string' }, encrypted_value: { type: 'string' } },
        additionalProperties: false,
      },
    ],
  },
  FieldErrors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  ConfigurationProperty: {
    type: 'object',
    required: ['key', 'display_name', 'display_order', 'default_value', 'required', 'secure', 'part_of_identity', 'description', 'type', 'enum'],
    properties: {
      key: { type: 'string' },
      display_name: { type: 'string' },
      display_order: { type: 'integer' },
      default_value: { type: ['string', 'null'] },
      required: { type: 'boolean' },
      secure: { type: 'boolean' },
      part_of_identity: { type: 'boolean' },
      description: { type: 'string' },
      type: { enum: ['string', 'boolean', 'integer'], description: 'Which values are allowed: any text, true or false, or a decimal integer.' },
      enum: { type: ['array', 'null'], items: { type: 'string' }, description: 'The only values allowed, or null when any value of the type is.' },
    },
    additionalProperties: false,
  },
  Plugin: {
    type: 'object',
    required: [
      'id',
      'display_name',
      'version',
      'api_version',
      'source',
      'status',
      'last_error',
      'last_error_at',
      'capabilities',
      'repository_configuration',
      'package_configuration',
      'memory',
    ],
    properties: {
      id: { type: 'string' },
      display_name: { type: 'string' },
      version: { type: 'string' },
      api_version: { type: 'integer' },
      source: { enum: ['bundled', 'external'] },
      status: { enum: ['ok', 'restarting', 'failed'] },
      last_error: { type: ['string', 'null'] },
      last_error_at: { type: ['string', 'null'], format: 'date-time' },
      capabilities: { type: 'object', required: ['batch'], properties: { batch: { type: 'boolean' } } },
      repository_configuration: { type: 'array', items: ref('ConfigurationProperty') },
      package_configuration: { type: 'array', items: ref('ConfigurationProperty') },
      memory: { oneOf: [{ type: 'null' }, ref('PluginMemory')] },
    },
    additionalProperties: false,
  },
  PluginMemory: {
    type: 'object',
    description:
      'Bytes, sampled inside the workers: the latest sample of each worker, added up; `peak_total_bytes` is the most one worker has held (heap used plus external, which includes array buffers) since it started. Null until a worker has reported.',
    required: ['heap_used_bytes', 'external_bytes', 'array_buffers_bytes', 'peak_total_bytes', 'sampled_at'],
    properties: { heap_used_bytes: bytes, external_bytes: bytes, array_buffers_bytes: bytes, peak_total_bytes: bytes, sampled_at: dateTime },
    additionalProperties: false,
  },
  PluginRefusal: {
    type: 'object',
    required: ['location', 'message'],
    properties: { location: { type: 'string' }, message: { type: 'string' } },
    additionalProperties: false,
  },
  RepositoryInput: {
    type: 'object',
    required: ['name', 'plugin_id', 'configuration'],
    properties: { name, plugin_id: { type: 'string' }, configuration: { type: 'array', maxItems: 200, items: ref('ConfigurationEntryInput') } },
    additionalProperties: false,
  },
  UnsavedRepositoryInput: {
    type: 'object',
    required: ['plugin_id', 'configuration'],
    properties: { name, plugin_id: { type: 'string' }, configuration: { type: 'array', maxItems: 200, items: ref('ConfigurationEntryInput') } },
    additionalProperties: false,
  },
  Repository: {
    type: 'object',
    required: ['id', 'name', 'plugin_id', 'configuration', 'packages', 'configuration_errors', 'created_at', 'updated_at'],
    properties: {
      id: uuid,
      name: { type: 'string' },
      plugin_id: { type: 'string' },
      configuration: { type: 'array', items: ref('ConfigurationEntry') },
      packages: {
        type: 'array',
        items: { type: 'object', required: ['id', 'name'], properties: { id: uuid, name: { type: 'string' } }, additionalProperties: false },
      },
      configuration_errors: ref('FieldErrors'),
      created_at: dateTime,
      updated_at: dateTime,
    },
    additionalProperties: false,
  },
  PackageInput: {
    type: 'object',
    required: ['name', 'repository_id', 'configuration'],
    properties: {
      name,
      repository_id: uuid,
      configuration: { type: 'array', maxItems: 200, items: ref('ConfigurationEntryInput') },
      auto_update: { type: 'boolean', default: true },
      poll_interval_seconds: { type: 'integer', default: 60 },
    },
    additionalProperties: false,
  },
  Package: {
    type: 'object',
    required: [
      'id',
      'name',
      'repository_id',
      'configuration',
      'auto_update',
      'poll_interval_seconds',
      'configuration_errors',
      'latest_revision',
      'poll',
      'created_at',
      'updated_at',
    ],
    properties: {
      id: uuid,
      name: { type: 'string' },
      repository_id: uuid,
      configuration: { type: 'array', items: ref('ConfigurationEntry') },
      auto_update: { type: 'boolean' },
      poll_interval_seconds: { type: 'integer' },
      configuration_errors: ref('FieldErrors'),
      latest_revision: { oneOf: [{ type: 'null' }, ref('RecordedRevision')] },
      poll: ref('PollState'),
      created_at: dateTime,
      updated_at: dateTime,
    },
    additionalProperties: false,
  },
  ConnectionCheck: {
    type: 'object',
    required: ['ok', 'messages'],
    properties: {
      ok: { type: 'boolean' },
      messages: { type: 'array', items: { type: 'string' } },
      revision: { oneOf: [{ type: 'null' }, ref('Revision')] },
    },
    additionalProperties: false,
  },
  Revision: {
    type: 'object',
    required: ['revision', 'timestamp', 'user', 'comment', 'trackback_url', 'data'],
    properties: {
      revision: { type: 'string' },
      timestamp: dateTime,
      user: { type: ['string', 'null'] },
      comment: { type: ['string', 'null'] },
      trackback_url: { type: ['string', 'null'] },
      data: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  ...POLLING_SCHEMAS,
  TokenInput: {
    type: 'object',
    required: ['name', 'role'],
    properties: { name, role: { enum: ['viewer', 'operator', 'admin'] } },
    additionalProperties: false,
  },
  Token: {
    type: 'object',
    required: ['id', 'name', 'role', 'created_by', 'created_at', 'last_used_at'],
    properties: {
      id: uuid,
      name: { type: 'string' },
      role: { enum: ['viewer', 'operator', 'admin'] },
      created_by: { type: ['string', 'null'] },
      created_at: dateTime,
      last_used_at: { type: ['string', 'null'], format: 'date-time' },
    },
    additionalProperties: false,
  },
  CreatedToken: {
    type: 'object',
    required: ['id', 'name', 'role', 'token'],
    properties: {
      id: uuid,
      name: { type: 'string' },
      role: { enum: ['viewer', 'operator', 'admin'] },
      token: { type: 'string', description: 'Shown this once only.' },
    },
    additionalProperties: false,
  },
  AuditEntry: {
    type: 'object',
    required: ['id', 'occurred_at', 'actor', 'action', 'resource_type', 'resource_id', 'details'],
    properties: {
      id: { type: 'integer' },
      occurred_at: dateTime,
      actor: { type: 'string' },
      action: { type: 'string' },
      resource_type: { type: 'string' },
      resource_id: { type: ['string', 'null'] },
      details: { type: 'object' },
    },
    additionalProperties: false,
  },
  ...WEBHOOK_SCHEMAS,
  ...RUN_SCHEMAS,
  ...PIPELINE_SCHEMAS,
};
