import { Type } from '@sinclair/typebox';
import { PollState } from '../materials/polling/poll-state-schema';
import { WireRevisionSchema } from '../plugins/protocol-schemas';
import { AnyObject, component, Nullable, ref, StringEnum } from '../schema-components';

/** Schemas of recorded revisions, poll state and outcomes, and events; a revision itself is the protocol's. */

const DateTime = Type.String({ format: 'date-time' });

export const RecordedRevision = component('RecordedRevision', Type.Intersect([ref(WireRevisionSchema), Type.Object({ detected_at: DateTime })]));

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
  Type.Object(
    {
      id: Type.Integer(),
      type: Type.String({ description: 'An event type of the catalogue: one of the entries under `webhooks`.' }),
      occurred_at: DateTime,
      data: AnyObject({ description: 'The payload of its type: `components.schemas["Event.<type>"]`.' }),
    },
    { additionalProperties: false },
  ),
);

export const POLLING_SCHEMAS = [RecordedRevision, PollState, PollOutcome, Event];
