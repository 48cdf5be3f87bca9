import { Type } from '@sinclair/typebox';
import { component, Defaulted, Nullable, StringEnum } from '../schema-components';

/** Schemas of the webhook routes, for the OpenAPI document's components. */

const DateTime = Type.String({ format: 'date-time' });
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'An http or https URL without user name, password or fragment; redirects are not followed.',
});
const EventTypes = Type.Array(Type.String({ maxLength: 200 }), {
  maxItems: 100,
  description:
    'Exact event types (`package.revision.detected`) or prefixes (`package.*`) of the catalogue (the entries under `webhooks`); one that matches no type is refused; empty means every event.',
});
const SECRET_OPTIONS = { minLength: 16, maxLength: 1024, writeOnly: true };

export const WebhookInput = component(
  'WebhookInput',
  Type.Object(
    {
      url: Url,
      event_types: Defaulted(EventTypes, []),
      secret: Type.String({
        ...SECRET_OPTIONS,
        description: 'Key of the HMAC-SHA256 signature in `X-Baton-Signature`; stored encrypted and never shown again.',
      }),
      enabled: Defaulted(Type.Boolean(), true),
    },
    { additionalProperties: false },
  ),
);

export const WebhookUpdate = component(
  'WebhookUpdate',
  Type.Object(
    {
      url: Url,
      event_types: EventTypes,
      secret: Type.Optional(
        Type.String({ ...SECRET_OPTIONS, description: 'Leave out to keep the current secret (required when the url moves to another origin).' }),
      ),
      enabled: Type.Boolean({ description: 'True also clears a failing mark: delivery resumes from the cursor.' }),
    },
    { additionalProperties: false },
  ),
);

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
