import { Type } from '@sinclair/typebox';
import { TaskDefinition } from '../../agents/task-definition';
import { ROLES } from '../../security/roles';
import { Dictionary, OneOf, StringEnum } from '../../schema-components';

/**
 * The pipeline model, declared once: these schemas check REST bodies and YAML files alike, appear
 * in the OpenAPI document, and (through `Static`, in `definition.ts`) are the model's types.
 * The semantic rules (references, cycles, names) are in `definition-rules.ts`. A `oneOf`'s title
 * names its alternatives in validation messages (`is not a known material`).
 */

// Names become path segments (URLs, job folders): never only dots.
const Name = Type.String({ pattern: '^(?!\\.+$)[A-Za-z0-9._-]{1,255}$' });
const VARIABLE = '^[A-Za-z_][A-Za-z0-9_]{0,254}$';
const Overridable = Type.Array(Type.String({ pattern: VARIABLE }), { uniqueItems: true });
const Environment = Dictionary(Type.String({ maxLength: 65536 }), { propertyNames: { pattern: VARIABLE } });

export const PackageMaterialSchema = Type.Object(
  {
    /** Default: `<repository>_<package>`. */
    name: Type.Optional(Name),
    package: Type.Object({ repository: Type.String({ minLength: 1 }), package: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    /** False: a new revision does not trigger the pipeline (it is still used by other triggers). */
    auto_trigger: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PipelineMaterialSchema = Type.Object(
  {
    /** Default: the upstream pipeline's name. */
    name: Type.Optional(Name),
    pipeline: Type.String({ minLength: 1 }),
    stage: Type.String({ minLength: 1 }),
    auto_trigger: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const JobSchema = Type.Object(
  {
    name: Name,
    environment: Type.Optional(Environment),
    /** Variables a manual trigger may override for this job (besides the pipeline's `overridable`). */
    overridable: Type.Optional(Overridable),
    tasks: Type.Array(TaskDefinition, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const ApprovalSchema = OneOf(
  [
    Type.Object({ type: Type.Literal('success') }, { additionalProperties: false }),
    Type.Object(
      {
        type: Type.Literal('manual'),
        roles: Type.Optional(Type.Array(StringEnum(ROLES))),
        users: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
      },
      { additionalProperties: false },
    ),
  ],
  { title: 'approval' },
);

export const StageSchema = Type.Object(
  {
    name: Name,
    /** Default `{ type: 'success' }`: runs when the previous stage passes. */
    approval: Type.Optional(ApprovalSchema),
    jobs: Type.Array(JobSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const TimerSchema = Type.Object(
  {
    /** node-cron syntax, with seconds: `0 0 22 * * 1-5`. */
    spec: Type.String({ minLength: 1 }),
    timezone: Type.Optional(Type.String()),
    /** Only when a material has a revision the pipeline has not run with. */
    only_on_changes: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The members of a pipeline definition, which the stored form (`Pipeline` in the API) extends. */
export const PIPELINE_PROPERTIES = {
  name: Name,
  /** The pipeline group it is listed under, as GoCD groups pipelines; `default` when none is named. */
  group: Type.Optional(Name),
  /** Default `${COUNT}`; tokens `${COUNT}`, `${<material>}`, `${<material>[:N]}`. */
  label_template: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  /** One run at a time: a new run waits until the previous one has finished. */
  lock: Type.Optional(Type.Boolean()),
  materials: Type.Array(OneOf([PackageMaterialSchema, PipelineMaterialSchema], { title: 'material' }), { minItems: 1 }),
  environment: Type.Optional(Environment),
  secure_environment: Type.Optional(
    Dictionary(Type.Object({ encrypted_value: Type.String() }, { additionalProperties: false }), { propertyNames: { pattern: VARIABLE } }),
  ),
  /** Variables a manual trigger may override in every job; none by default. */
  overridable: Type.Optional(Overridable),
  timer: Type.Optional(TimerSchema),
  stages: Type.Array(StageSchema, { minItems: 1 }),
};

/** One schema for a pipeline, used for REST bodies, YAML files and the OpenAPI document. */
export const PIPELINE_SCHEMA = Type.Object(PIPELINE_PROPERTIES, { additionalProperties: false });
