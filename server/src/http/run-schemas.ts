import type { JsonSchema } from '../json-schema';

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const nullableTime: JsonSchema = { type: ['string', 'null'], format: 'date-time' };
const ref = (schema: string): JsonSchema => ({ $ref: `#/components/schemas/${schema}` });

/** Schemas of runs, stages and the promotion record. */
export const RUN_SCHEMAS: Record<string, JsonSchema> = {
  TriggerInput: {
    type: 'object',
    properties: {
      revisions: {
        type: 'object',
        additionalProperties: { type: 'string', minLength: 1 },
        description: 'Material name → revision (a package revision label, or an upstream run counter).',
      },
      environment: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description:
          'Variable → value, for names the pipeline or a job lists under `overridable` (in the jobs that list them; the pipeline’s list means every job). Other names: 422. A secure variable: only a caller who may edit the pipeline (403 otherwise), and the value is masked like a secret.',
      },
    },
    additionalProperties: false,
  },
  MaterialRevision: {
    type: 'object',
    required: ['type', 'name', 'changed'],
    properties: {
      type: { enum: ['package', 'pipeline'] },
      name: { type: 'string' },
      changed: { type: 'boolean' },
      revision: { type: 'string' },
      revision_id: { type: 'integer' },
      package_id: { type: 'string' },
      package_name: { type: 'string' },
      repository_id: { type: 'string' },
      repository_name: { type: 'string' },
      data: { type: 'object', additionalProperties: { type: 'string' } },
      via_upstream: { type: 'boolean' },
      pipeline: { type: 'string' },
      stage: { type: 'string' },
      counter: { type: 'integer' },
      stage_counter: { type: 'integer' },
      label: { type: 'string' },
    },
  },
  BuildCause: {
    type: 'object',
    required: ['trigger', 'materials'],
    properties: {
      trigger: {
        type: 'object',
        required: ['kind', 'by', 'message'],
        properties: { kind: { enum: ['revision', 'upstream', 'timer', 'manual'] }, by: { type: 'string' }, message: { type: 'string' } },
      },
      materials: { type: 'array', items: ref('MaterialRevision') },
    },
  },
  StageRun: {
    type: 'object',
    required: ['name', 'counter', 'state', 'approval_type', 'approved_by', 'approved_at', 'scheduled_at', 'started_at', 'completed_at', 'jobs'],
    properties: {
      name: { type: 'string' },
      counter: { type: ['integer', 'null'] },
      state: { enum: ['not_run', 'scheduled', 'running', 'awaiting_approval', 'passed', 'failed', 'cancelled'] },
      approval_type: { enum: ['success', 'manual'] },
      approved_by: { type: ['string', 'null'] },
      approved_at: nullableTime,
      cancelled_by: { type: ['string', 'null'] },
      scheduled_at: nullableTime,
      started_at: nullableTime,
      completed_at: nullableTime,
      jobs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'state'],
          properties: {
            name: { type: 'string' },
            state: { enum: ['scheduled', 'running', 'passed', 'failed', 'cancelled'] },
            result: { type: ['string', 'null'] },
            started_at: nullableTime,
            completed_at: nullableTime,
          },
        },
      },
    },
  },
  Run: {
    type: 'object',
    required: ['pipeline', 'counter', 'label', 'status', 'created_at', 'completed_at', 'build_cause', 'stages'],
    properties: {
      pipeline: { type: 'string' },
      counter: { type: 'integer' },
      label: { type: 'string' },
      status: { enum: ['waiting', 'active', 'completed'] },
      created_at: dateTime,
      completed_at: nullableTime,
      build_cause: ref('BuildCause'),
      stages: { type: 'array', items: ref('StageRun') },
    },
  },
  ValueStream: {
    type: 'object',
    required: ['package', 'pipelines'],
    properties: {
      package: {
        type: 'object',
        required: ['id', 'name', 'repository', 'latest_revision'],
        properties: { id: { type: 'string' }, name: { type: 'string' }, repository: { type: 'string' }, latest_revision: { type: ['string', 'null'] } },
      },
      pipelines: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'upstream', 'stages'],
          properties: {
            name: { type: 'string' },
            upstream: { type: 'array', items: { type: 'string' } },
            stages: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'latest_passed'],
                properties: {
                  name: { type: 'string' },
                  latest_passed: {
                    oneOf: [
                      { type: 'null' },
                      {
                        type: 'object',
                        required: ['revision', 'counter', 'label', 'passed_at'],
                        properties: { revision: { type: 'string' }, counter: { type: 'integer' }, label: { type: 'string' }, passed_at: dateTime },
                      },
                    ],
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
