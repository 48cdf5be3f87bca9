import { Type } from '@sinclair/typebox';
import { WebhookInput, WebhookUpdate } from '../events/webhooks/webhook-input';
import { component, Nullable, StringEnum } from '../schema-components';

/** Schemas of the webhook routes, for the OpenAPI document's components; the bodies are declared with the webhooks. */

const DateTime = Type.String({ format: 'date-time' });

export const Webhook = component(
  'Webhook',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      url: Type.String(),
      event_types: Type.Array(Type.String()),
      enabled: Type.Boolean(),
      status: StringEnum(['ok', 'failing', 'disabled'], {
        description: '`failing`: deliveries failed for longer than the maximum age; nothing is sent until the webhook is enabled again.',
      }),
      cursor: Type.Integer({ description: 'The id of the last event delivered (or skipped as not matching).' }),
      next_attempt_at: DateTime,
      failing_since: Nullable(DateTime, { description: 'When the current run of failed attempts began.' }),
      last_error: Nullable(Type.String()),
      created_at: DateTime,
      updated_at: DateTime,
    },
    { additionalProperties: false },
  ),
);

export const WebhookDelivery = component(
  'WebhookDelivery',
  Type.Object(
    {
      id: Type.Integer(),
      event_id: Type.Integer(),
      event_type: Type.String(),
      attempt: Type.Integer({ minimum: 1, description: 'The how-manyth attempt at this event.' }),
      status: StringEnum(['delivered', 'failed']),
      response_status: Nullable(Type.Integer()),
      error: Nullable(Type.String()),
      duration_ms: Type.Integer(),
      attempted_at: DateTime,
    },
    { additionalProperties: false },
  ),
);

export const WEBHOOK_SCHEMAS = [WebhookInput, WebhookUpdate, Webhook, WebhookDelivery];
