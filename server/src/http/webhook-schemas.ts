import type { JsonSchema } from '../json-schema';

/** Schemas of the webhook routes, for the OpenAPI document's components. */

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const url: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  description: 'An http or https URL without user name, password or fragment; redirects are not followed.',
};
const eventTypes: JsonSchema = {
  type: 'array',
  maxItems: 100,
  items: { type: 'string', maxLength: 200 },
  description:
    'Exact event types (`package.revision.detected`) or prefixes (`package.*`) of the catalogue (the entries under `webhooks`); one that matches no type is refused; empty means every event.',
};
const secret: JsonSchema = {
  type: 'string',
  minLength: 16,
  maxLength: 1024,
  writeOnly: true,
  description: 'Key of the HMAC-SHA256 signature in `X-Baton-Signature`; stored encrypted and never shown again.',
};

export const WEBHOOK_SCHEMAS: Record<string, JsonSchema> = {
  WebhookInput: {
    type: 'object',
    required: ['url', 'secret'],
    properties: { url, event_types: { ...eventTypes, default: [] }, secret, enabled: { type: 'boolean', default: true } },
    additionalProperties: false,
  },
  WebhookUpdate: {
    type: 'object',
    required: ['url', 'event_types', 'enabled'],
    properties: {
      url,
      event_types: eventTypes,
      secret: { ...secret, description: 'Leave out to keep the current secret (required when the url moves to another origin).' },
      enabled: { type: 'boolean', description: 'True also clears a failing mark: delivery resumes from the cursor.' },
    },
    additionalProperties: false,
  },
  Webhook: {
    type: 'object',
    required: ['id', 'url', 'event_types', 'enabled', 'status', 'cursor', 'next_attempt_at', 'failing_since', 'last_error', 'created_at', 'updated_at'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      url: { type: 'string' },
      event_types: { type: 'array', items: { type: 'string' } },
      enabled: { type: 'boolean' },
      status: {
        enum: ['ok', 'failing', 'disabled'],
        description: '`failing`: deliveries failed for longer than the maximum age; nothing is sent until the webhook is enabled again.',
      },
      cursor: { type: 'integer', description: 'The id of the last event delivered (or skipped as not matching).' },
      next_attempt_at: dateTime,
      failing_since: { type: ['string', 'null'], format: 'date-time', description: 'When the current run of failed attempts began.' },
      last_error: { type: ['string', 'null'] },
      created_at: dateTime,
      updated_at: dateTime,
    },
    additionalProperties: false,
  },
  WebhookDelivery: {
    type: 'object',
    required: ['id', 'event_id', 'event_type', 'attempt', 'status', 'response_status', 'error', 'duration_ms', 'attempted_at'],
    properties: {
      id: { type: 'integer' },
      event_id: { type: 'integer' },
      event_type: { type: 'string' },
      attempt: { type: 'integer', minimum: 1, description: 'The how-manyth attempt at this event.' },
      status: { enum: ['delivered', 'failed'] },
      response_status: { type: ['integer', 'null'] },
      error: { type: ['string', 'null'] },
      duration_ms: { type: 'integer' },
      attempted_at: dateTime,
    },
    additionalProperties: false,
  },
};
