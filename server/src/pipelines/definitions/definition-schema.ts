import type { JsonSchema } from '../../json-schema';

// Names become path segments (URLs, job folders): never only dots.
const NAME = { type: 'string', pattern: '^(?!\\.+$)[A-Za-z0-9._-]{1,255}$' };
const VARIABLE = '^[A-Za-z_][A-Za-z0-9_]{0,254}$';
const OVERRIDABLE = { type: 'array', uniqueItems: true, items: { type: 'string', pattern: VARIABLE } };
const ENVIRONMENT = { type: 'object', propertyNames: { pattern: VARIABLE }, additionalProperties: { type: 'string', maxLength: 65536 } };

const MATERIAL = {
  oneOf: [
    {
      type: 'object',
      required: ['package'],
      properties: {
        name: NAME,
        package: {
          type: 'object',
          required: ['repository', 'package'],
          properties: { repository: { type: 'string', minLength: 1 }, package: { type: 'string', minLength: 1 } },
          additionalProperties: false,
        },
        auto_trigger: { type: 'boolean' },
      },
      additionalProperties: false,
    },
    {
      type: 'object',
      required: ['pipeline', 'stage'],
      properties: { name: NAME, pipeline: { type: 'string', minLength: 1 }, stage: { type: 'string', minLength: 1 }, auto_trigger: { type: 'boolean' } },
      additionalProperties: false,
    },
  ],
};

const TASK = {
  oneOf: [
    {
      type: 'object',
      required: ['exec'],
      additionalProperties: false,
      properties: {
        exec: {
          type: 'object',
          required: ['command'],
          additionalProperties: false,
          properties: {
            command: { type: 'string', minLength: 1 },
            arguments: { type: 'array', items: { type: 'string' } },
            working_directory: { type: 'string' },
            timeout_seconds: { type: 'integer', minimum: 1, maximum: 604800 },
          },
        },
      },
    },
    {
      type: 'object',
      required: ['fetch_package'],
      additionalProperties: false,
      properties: {
        fetch_package: {
          type: 'object',
          required: ['material'],
          additionalProperties: false,
          properties: { material: { type: 'string', minLength: 1 }, destination: { type: 'string' } },
        },
      },
    },
    {
      type: 'object',
      required: ['http'],
      additionalProperties: false,
      properties: {
        http: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: {
            method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
            url: { type: 'string', minLength: 1 },
            headers: { type: 'object', additionalProperties: { type: 'string' } },
            body: { type: 'string' },
            timeout_seconds: { type: 'integer', minimum: 1, maximum: 3600 },
          },
        },
      },
    },
  ],
};

const STAGE = {
  type: 'object',
  required: ['name', 'jobs'],
  additionalProperties: false,
  properties: {
    name: NAME,
    approval: {
      oneOf: [
        { type: 'object', required: ['type'], properties: { type: { const: 'success' } }, additionalProperties: false },
        {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: {
            type: { const: 'manual' },
            roles: { type: 'array', items: { enum: ['viewer', 'operator', 'admin'] } },
            users: { type: 'array', items: { type: 'string', minLength: 1 } },
          },
        },
      ],
    },
    jobs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'tasks'],
        additionalProperties: false,
        properties: { name: NAME, environment: ENVIRONMENT, overridable: OVERRIDABLE, tasks: { type: 'array', minItems: 1, items: TASK } },
      },
    },
  },
};

/** One JSON Schema for a pipeline, used for REST bodies, YAML files and the OpenAPI document. */
export const PIPELINE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['name', 'materials', 'stages'],
  additionalProperties: false,
  properties: {
    name: NAME,
    label_template: { type: 'string', minLength: 1, maxLength: 255 },
    lock: { type: 'boolean' },
    materials: { type: 'array', minItems: 1, items: MATERIAL },
    environment: ENVIRONMENT,
    secure_environment: {
      type: 'object',
      propertyNames: { pattern: VARIABLE },
      additionalProperties: { type: 'object', required: ['encrypted_value'], properties: { encrypted_value: { type: 'string' } }, additionalProperties: false },
    },
    overridable: OVERRIDABLE,
    timer: {
      type: 'object',
      required: ['spec'],
      additionalProperties: false,
      properties: { spec: { type: 'string', minLength: 1 }, timezone: { type: 'string' }, only_on_changes: { type: 'boolean' } },
    },
    stages: { type: 'array', minItems: 1, items: STAGE },
  },
};
