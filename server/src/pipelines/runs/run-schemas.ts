import { Type } from '@sinclair/typebox';
import { component, Nullable, OneOf, ref, StringEnum } from '../../schema-components';
import { BuildCause } from './run-model';

/**
 * Runs, stages and the promotion record as the API shows them; `run-views.ts` and the promotion
 * queries build values of these types. A run's build cause is shown as stored (run-model.ts).
 */

const DateTime = Type.String({ format: 'date-time' });
const NullableTime = Nullable(DateTime);

export const StageRun = component(
  'StageRun',
  Type.Object(
    {
      name: Type.String(),
      counter: Nullable(Type.Integer()),
      state: StringEnum(['not_run', 'scheduled', 'running', 'awaiting_approval', 'passed', 'failed', 'cancelled']),
      approval_type: StringEnum(['success', 'manual']),
      approvable: Type.Boolean({
        description:
          'Waiting for approval and approvable now: every earlier stage passed on its latest attempt. While an earlier stage runs again its approval is withdrawn (approving is 409) until that stage passes.',
      }),
      approved_by: Nullable(Type.String()),
      approved_at: NullableTime,
      cancelled_by: Type.Optional(Nullable(Type.String())),
      scheduled_at: NullableTime,
      started_at: NullableTime,
      completed_at: NullableTime,
      jobs: Type.Array(
        Type.Object(
          {
            name: Type.String(),
            state: StringEnum(['scheduled', 'running', 'passed', 'failed', 'cancelled']),
            result: Type.Optional(Nullable(Type.String())),
            started_at: Type.Optional(NullableTime),
            completed_at: Type.Optional(NullableTime),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
);

export const Run = component(
  'Run',
  Type.Object(
    {
      pipeline: Type.String(),
      /** The run belongs to a pipeline of this name that was deleted (when): its record stays, read-only. */
      pipeline_deleted: Type.Boolean(),
      pipeline_deleted_at: NullableTime,
      counter: Type.Integer(),
      label: Type.String(),
      status: StringEnum(['waiting', 'active', 'completed']),
      created_at: DateTime,
      completed_at: NullableTime,
      build_cause: ref(BuildCause),
      stages: Type.Array(ref(StageRun)),
    },
    { additionalProperties: false },
  ),
);

const LatestPassed = Type.Object(
  { revision: Type.String(), counter: Type.Integer(), label: Type.String(), passed_at: DateTime },
  { additionalProperties: false },
);

export const ValueStream = component(
  'ValueStream',
  Type.Object(
    {
      package: Type.Object(
        { id: Type.String(), name: Type.String(), repository: Type.String(), latest_revision: Nullable(Type.String()) },
        { additionalProperties: false },
      ),
      pipelines: Type.Array(
        Type.Object(
          {
            name: Type.String(),
            upstream: Type.Array(Type.String()),
            stages: Type.Array(Type.Object({ name: Type.String(), latest_passed: OneOf([Type.Null(), LatestPassed]) }, { additionalProperties: false })),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
);
