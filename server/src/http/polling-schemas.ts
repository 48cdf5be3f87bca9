import { Type } from '@sinclair/typebox';
import { BatonEvent } from '../events/event-store';
import { PollState } from '../materials/polling/poll-state-schema';
import { WireRevisionSchema } from '../plugins/protocol-schemas';
import { component, Nullable, ref, StringEnum } from '../schema-components';

/** Schemas of recorded revisions, poll state and outcomes; a revision itself is the protocol's, an event the event log's. */

const DateTime = Type.String({ format: 'date-time' });

export const RecordedRevision = component(
  'RecordedRevision',
  Type.Object(
    { ...WireRevisionSchema.properties, detected_at: DateTime },
    { additionalProperties: false, description: 'A revision, and when Baton detected it.' },
  ),
);

export const PollOutcome = component(
  'PollOutcome',
  Type.Object(
    {
      package_id: Type.Optional(Type.String({ format: 'uuid' })),
      outcome: StringEnum(['new_revision', 'no_change', 'failed', 'pending']),
      revision: Type.Optional(ref(RecordedRevision)),
      error: Type.Optional(Type.Object({ message: Type.String(), kind: Type.String(), code: Nullable(Type.String()) }, { additionalProperties: false })),
    },
    { additionalProperties: false },
  ),
);

export const POLLING_SCHEMAS = [RecordedRevision, PollState, PollOutcome, BatonEvent];
