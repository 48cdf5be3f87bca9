/**
 * Every event type Baton writes, with a line that says when and the schema of its `data`. The
 * event log accepts only these types and payloads (checked by the compiler), webhook and stream
 * filters are checked against them, and the OpenAPI document lists them for receivers.
 */
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { WireRevisionSchema } from '../plugins/protocol-schemas';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const closed = { additionalProperties: false } as const;

/** The package an event is about, and where it lives. */
const packageFields = {
  package_id: Uuid,
  package_name: Type.String(),
  repository_id: Uuid,
  repository_name: Type.String(),
  plugin_id: Type.String(),
};

/** A revision as recorded: the plugin's wire form, its id and when Baton detected it. */
export const RecordedRevision = Type.Object({ id: Type.Integer(), ...WireRevisionSchema.properties, detected_at: DateTime }, closed);

/** The pipeline run an event is about. */
const runFields = {
  pipeline: Type.String(),
  counter: Type.Integer({ minimum: 1 }),
  label: Type.String(),
  run_id: Uuid,
};

const stageFields = { ...runFields, stage: Type.String(), stage_counter: Type.Integer({ minimum: 1 }) };

/** Why a pipeline run exists; runs store it in their build cause (pipelines/run-model.ts). */
export const TriggerCause = Type.Object(
  {
    kind: Type.Union([Type.Literal('revision'), Type.Literal('upstream'), Type.Literal('timer'), Type.Literal('manual'), Type.Literal('created')], {
      description: '`created`: the first run of a new pipeline, with what its materials held when it was created.',
    }),
    by: Type.String({ description: 'The user who asked (manual), or `system`.' }),
    message: Type.String({ description: 'One line for people: "scrt-0.3.4-1.x86_64 detected".' }),
    event_id: Type.Optional(Type.Integer({ description: 'The `package.revision.detected` event that caused the run.' })),
    upstream: Type.Optional(Type.Object({ pipeline: Type.String(), counter: Type.Integer(), stage: Type.String(), stage_counter: Type.Integer() }, closed)),
    fired_at: Type.Optional(DateTime),
  },
  closed,
);

export const FinalStageStateSchema = Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('cancelled')]);

interface CatalogueEntry {
  description: string;
  payload: TObject;
}

export const EVENT_CATALOGUE = {
  'package.revision.detected': {
    description: 'A plugin reported a revision of a package not recorded before; it is now in the package history.',
    payload: Type.Object({ ...packageFields, revision: RecordedRevision }, closed),
  },
  'package.poll.failed': {
    description: 'Polling a package failed after it had succeeded (sent once per run of failures).',
    payload: Type.Object(
      {
        ...packageFields,
        error: Nullable(Type.String()),
        error_kind: Nullable(Type.Union([Type.Literal('transient'), Type.Literal('permanent'), Type.Literal('bug')])),
        error_code: Nullable(Type.String()),
        consecutive_failures: Type.Integer({ minimum: 1 }),
      },
      closed,
    ),
  },
  'package.poll.recovered': {
    description: 'Polling a failing package succeeded again.',
    payload: Type.Object(packageFields, closed),
  },
  'pipeline.run.created': {
    description: 'A pipeline run was created, with its cause and the revision of each material.',
    payload: Type.Object(
      {
        ...runFields,
        trigger: TriggerCause,
        materials: Type.Array(
          Type.Object({ name: Type.String(), revision: Type.String({ description: "A package's revision, or an upstream run's label." }) }, closed),
        ),
      },
      closed,
    ),
  },
  'pipeline.paused': {
    description: 'A pipeline was paused: automatic triggers are withheld until it is unpaused.',
    payload: Type.Object({ pipeline: Type.String(), by: Type.String(), reason: Type.String() }, closed),
  },
  'pipeline.unpaused': {
    description: 'A pipeline was unpaused; it runs once for the newest cause withheld while it was paused, if any.',
    payload: Type.Object(
      { pipeline: Type.String(), by: Type.String(), withheld: Type.Integer({ minimum: 0, description: 'How many causes were withheld.' }) },
      closed,
    ),
  },
  'stage.run.completed': {
    description: 'A stage run passed, failed or was cancelled.',
    payload: Type.Object({ ...stageFields, state: FinalStageStateSchema, approved_by: Nullable(Type.String()), cancelled_by: Nullable(Type.String()) }, closed),
  },
  'stage.awaiting_approval': {
    description: 'A manual stage is waiting for someone to approve it.',
    payload: Type.Object(stageFields, closed),
  },
} satisfies Record<string, CatalogueEntry>;

export type EventType = keyof typeof EVENT_CATALOGUE;

/** The `data` of an event of type T. */
export type EventPayload<T extends EventType> = Static<(typeof EVENT_CATALOGUE)[T]['payload']>;

/** An event as a writer hands it to the log: a catalogue type and its payload, matched. */
export type CatalogueEvent = { [T in EventType]: { type: T; data: EventPayload<T> } }[EventType];

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}

/** `package.revision.detected` → `Event.package.revision.detected`: the payload's name among the OpenAPI components. */
export function payloadSchemaName(type: EventType): string {
  return `Event.${type}`;
}
