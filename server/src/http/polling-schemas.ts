import type { JsonSchema } from '../json-schema';

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const uuid: JsonSchema = { type: 'string', format: 'uuid' };
const ref = (schema: string): JsonSchema => ({ $ref: `#/components/schemas/${schema}` });

/** Schemas of revisions, poll state and outcomes, and events. */
export const POLLING_SCHEMAS: Record<string, JsonSchema> = {
  RecordedRevision: {
    allOf: [ref('Revision'), { type: 'object', required: ['detected_at'], properties: { detected_at: dateTime } }],
  },
  PollState: {
    type: 'object',
    required: ['status', 'last_polled_at', 'next_poll_at', 'last_error', 'error_kind', 'consecutive_failures', 'warnings'],
    properties: {
      status: { enum: ['pending', 'ok', 'failing', 'disabled', 'plugin_missing'] },
      last_polled_at: { type: ['string', 'null'], format: 'date-time' },
      next_poll_at: { type: ['string', 'null'], format: 'date-time' },
      last_error: { type: ['string', 'null'] },
      error_kind: { enum: ['transient', 'permanent', 'bug', null] },
      consecutive_failures: { type: 'integer' },
      warnings: { type: 'array', items: { type: 'string' } },
    },
    additionalProperties: false,
  },
  PollOutcome: {
    type: 'object',
    required: ['outcome'],
    properties: {
      package_id: uuid,
      outcome: { enum: ['new_revision', 'no_change', 'failed', 'pending'] },
      revision: ref('RecordedRevision'),
      error: {
        type: 'object',
        required: ['message', 'kind', 'code'],
        properties: { message: { type: 'string' }, kind: { type: 'string' }, code: { type: ['string', 'null'] } },
      },
    },
    additionalProperties: false,
  },
  Event: {
    type: 'object',
    required: ['id', 'type', 'occurred_at', 'data'],
    properties: {
      id: { type: 'integer' },
      type: { type: 'string', description: 'An event type of the catalogue: one of the entries under `webhooks`.' },
      occurred_at: dateTime,
      data: { type: 'object', description: 'The payload of its type: `components.schemas["Event.<type>"]`.' },
    },
    additionalProperties: false,
  },
};
