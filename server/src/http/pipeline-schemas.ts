import { PIPELINE_SCHEMA } from '../pipelines/definitions/definition-schema';
import type { JsonSchema } from '../json-schema';

/** Schemas of the pipeline and configuration routes, for the OpenAPI document's components. */

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const fieldErrors: JsonSchema = { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } };
const definitionProperties = PIPELINE_SCHEMA['properties'] as Record<string, JsonSchema>;
const definitionRequired = PIPELINE_SCHEMA['required'] as string[];

export const PIPELINE_SCHEMAS: Record<string, JsonSchema> = {
  PipelineInput: {
    ...PIPELINE_SCHEMA,
    description: 'A pipeline definition. Secure variables are `{ "encrypted_value" }` from POST /api/encrypt (or as Baton returned them).',
  },
  Pipeline: {
    ...PIPELINE_SCHEMA,
    description: 'A pipeline definition as stored (secure variables only encrypted), and where it comes from.',
    required: [...definitionRequired, 'source', 'source_file', 'created_at', 'updated_at'],
    properties: {
      ...definitionProperties,
      source: { enum: ['api', 'file'], description: '`file`: defined in the configuration folder, read-only over the API.' },
      source_file: { type: ['string', 'null'], description: 'The file in the configuration folder, relative to it.' },
      created_at: dateTime,
      updated_at: dateTime,
    },
  },
  EncryptInput: {
    type: 'object',
    required: ['value', 'pipeline', 'variable'],
    properties: {
      value: { type: 'string', maxLength: 65536, writeOnly: true },
      pipeline: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,255}$', description: 'The value decrypts only for this pipeline and `variable`.' },
      variable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,254}$' },
    },
    additionalProperties: false,
  },
  EncryptedValue: {
    type: 'object',
    required: ['encrypted_value'],
    properties: { encrypted_value: { type: 'string' } },
    additionalProperties: false,
  },
  ConfigFile: {
    type: 'object',
    required: ['file', 'status', 'pipelines', 'errors', 'loaded_at', 'checked_at'],
    properties: {
      file: { type: 'string', description: 'Relative to the configuration folder.' },
      status: { enum: ['ok', 'invalid'], description: '`invalid`: the pipelines of the last good version stay in force.' },
      pipelines: { type: 'array', items: { type: 'string' }, description: 'The pipelines in force from this file.' },
      errors: { oneOf: [{ type: 'null' }, fieldErrors] },
      loaded_at: { type: ['string', 'null'], format: 'date-time', description: 'When the version in force was loaded by this process.' },
      checked_at: dateTime,
    },
    additionalProperties: false,
  },
};
