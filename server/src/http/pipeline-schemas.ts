import { Type } from '@sinclair/typebox';
import { EncryptInput } from '../pipelines/input-schemas';
import { Run } from '../pipelines/runs/run-schemas';
import { PIPELINE_PROPERTIES } from '../pipelines/definitions/definition-schema';
import { component, Dictionary, Nullable, OneOf, ref, StringEnum } from '../schema-components';

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

const closed = { additionalProperties: false } as const;

export const PipelineStatus = component(
  'PipelineStatus',
  Type.Object(
    {
      paused: Nullable(Type.Object({ by: Type.String(), reason: Type.String(), since: DateTime }, closed), {
        description: 'Who paused the pipeline, why and since when; null when it is not paused.',
      }),
      withheld_causes: Type.Integer({
        minimum: 0,
        description: 'Automatic triggers withheld while paused (a first run waiting for the unpause counts); unpausing runs once, for the newest.',
      }),
      locked: Type.Boolean({ description: 'The pipeline runs one run at a time (`lock`) and a run has not finished: new runs wait for it.' }),
      latest_run: Nullable(
        Type.Object(
          {
            counter: Type.Integer(),
            label: Type.String(),
            status: StringEnum(['waiting', 'active', 'completed']),
            stages: Type.Array(
              Type.Object(
                {
                  name: Type.String(),
                  state: StringEnum(['not_run', 'scheduled', 'running', 'awaiting_approval', 'passed', 'failed', 'cancelled']),
                  counter: Nullable(Type.Integer(), { description: 'The latest attempt; null when the stage has not run.' }),
                },
                closed,
              ),
            ),
          },
          closed,
        ),
        { description: 'The newest run; null before the first.' },
      ),
      runs_awaiting_approval: Type.Integer({ minimum: 0, description: 'Runs with a stage waiting for a manual approval.' }),
    },
    { ...closed, description: 'What the pipeline is doing: state, not definition (it does not change the ETag).' },
  ),
);

export const PauseInput = component(
  'PauseInput',
  Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why: shown to whoever finds the pipeline paused.' }) }, closed),
);

export const Pipeline = component(
  'Pipeline',
  Type.Object(
    {
      ...PIPELINE_PROPERTIES,
      group: Type.String({ description: 'The pipeline group it is listed under: as its definition names it, or `default`.' }),
      source: StringEnum(['api', 'file'], { description: '`file`: defined in the configuration folder, read-only over the API.' }),
      source_file: Nullable(Type.String(), { description: 'The file in the configuration folder, relative to it.' }),
      created_at: DateTime,
      updated_at: DateTime,
      status: ref(PipelineStatus),
    },
    { additionalProperties: false, description: 'A pipeline definition as stored (secure variables only encrypted), and where it comes from.' },
  ),
);

export const Dashboard = component(
  'Dashboard',
  Type.Object(
    {
      pipelines: Type.Array(
        Type.Object(
          {
            pipeline: ref(Pipeline),
            runs: Type.Array(ref(Run), { description: 'Its newest runs, newest first, as GET /api/pipelines/{name}/runs answers them.' }),
          },
          closed,
        ),
        { description: 'Every pipeline, by name regardless of case.' },
      ),
      runs_per_pipeline: Type.Integer({ minimum: 1, description: 'The most runs answered for each pipeline.' }),
    },
    { ...closed, description: 'Every pipeline with its status and its newest runs, in one answer.' },
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

export const PIPELINE_SCHEMAS = [PipelineInput, PipelineStatus, Pipeline, Dashboard, PauseInput, EncryptInput, EncryptedValue, ConfigFile];
