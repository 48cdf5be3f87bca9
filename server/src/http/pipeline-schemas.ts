import { Type } from '@sinclair/typebox';
import { EncryptInput } from '../pipelines/input-schemas';
import { PIPELINE_PROPERTIES } from '../pipelines/definitions/definition-schema';
import { component, Dictionary, Nullable, OneOf, StringEnum } from '../schema-components';

/** Schemas of the pipeline and configuration routes, for the OpenAPI document's components. */

const DateTime = Type.String({ format: 'date-time' });

/** The definition as clients send it: the same declaration the configuration files are checked against. */
export const PipelineInput = component(
  'PipelineInput',
  Type.Object(PIPELINE_PROPERTIES, {
    additionalProperties: false,
    description: 'A pipeline definition. Secure variables are `{ "encrypted_value" }` from POST /api/encrypt (or as Baton returned them).',
  }),
);

export const Pipeline = component(
  'Pipeline',
  Type.Object(
    {
      ...PIPELINE_PROPERTIES,
      source: StringEnum(['api', 'file'], { description: '`file`: defined in the configuration folder, read-only over the API.' }),
      source_file: Nullable(Type.String(), { description: 'The file in the configuration folder, relative to it.' }),
      created_at: DateTime,
      updated_at: DateTime,
    },
    { additionalProperties: false, description: 'A pipeline definition as stored (secure variables only encrypted), and where it comes from.' },
  ),
);

export const EncryptedValue = component('EncryptedValue', Type.Object({ encrypted_value: Type.String() }, { additionalProperties: false }));

export const ConfigFile = component(
  'ConfigFile',
  Type.Object(
    {
      file: Type.String({ description: 'Relative to the configuration folder.' }),
      status: StringEnum(['ok', 'invalid'], { description: '`invalid`: the pipelines of the last good version stay in force.' }),
      pipelines: Type.Array(Type.String(), { description: 'The pipelines in force from this file.' }),
      errors: OneOf([Type.Null(), Dictionary(Type.Array(Type.String()))]),
      loaded_at: Nullable(DateTime, { description: 'When the version in force was loaded by this process.' }),
      checked_at: DateTime,
    },
    { additionalProperties: false },
  ),
);

export const PIPELINE_SCHEMAS = [PipelineInput, Pipeline, EncryptInput, EncryptedValue, ConfigFile];
