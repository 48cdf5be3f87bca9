import { Type } from '@sinclair/typebox';
import { AnyObject, component, Dictionary, Nullable, ref, StringEnum } from '../schema-components';

/** Schemas of revisions, poll state and outcomes, and events. */

const DateTime = Type.String({ format: 'date-time' });

export const Revision = component(
  'Revision',
  Type.Object({
    revision: Type.String(),
    timestamp: DateTime,
    user: Nullable(Type.String()),
    comment: Nullable(Type.String()),
    trackback_url: Nullable(Type.String()),
    data: Dictionary(Type.String()),
  }),
);

export const RecordedRevision = component('RecordedRevision', Type.Intersect([ref(Revision), Type.Object({ detected_at: DateTime })]));

export const PollState = component(
  'PollState',
  Type.Object(
    {
      status: StringEnum(['pending', 'ok', 'failing', 'disabled', 'plugin_missing']),
      last_polled_at: Nullable(DateTime),
      next_poll_at: Nullable(DateTime),
      last_error: Nullable(Type.String()),
      error_kind: StringEnum(['transient', 'permanent', 'bug', null]),
      consecutive_failures: Type.Integer(),
      warnings: Type.Array(Type.String()),
    },
    { additionalProperties: false },
  ),
);

export const PollOutcome = component(
  'PollOutcome',
  Type.Object(
    {
      package_id: Type.Optional(Type.String({ format: 'uuid' })),
      outcome: StringEnum(['new_revision', 'no_change', 'failed', 'pending']),
      revision: Type.Optional(ref(RecordedRevision)),
      error: Type.Optional(Type.Object({ message: Type.String(), kind: Type.String(), code: Nullable(Type.String()) })),
    },
    { additionalProperties: false },
  ),
);

export const Event = component(
  'Event',
  Type.Object({ id: Type.Integer(), type: Type.String(), occurred_at: DateTime, data: AnyObject() }, { additionalProperties: false }),
);

export const POLLING_SCHEMAS = [RecordedRevision, PollState, PollOutcome, Event];
