import { Type, type Static } from '@sinclair/typebox';
import { addFieldError, InvalidInput, type FieldErrors } from '../../domain-errors';
import { component, Defaulted } from '../../schema-components';
import { eventTypePatternProblem } from './event-type-filter';

const MAX_URL_LENGTH = 2048;

const Url = Type.String({
  minLength: 1,
  maxLength: MAX_URL_LENGTH,
  description: 'An http or https URL without user name, password or fragment; redirects are not followed.',
});
const EventTypes = Type.Array(Type.String({ maxLength: 200 }), {
  maxItems: 100,
  description:
    'Exact event types (`package.revision.detected`) or prefixes (`package.*`) of the catalogue (the entries under `webhooks`); one that matches no type is refused; empty means every event.',
});
const SECRET_OPTIONS = { minLength: 16, maxLength: 1024, writeOnly: true };

/** A new webhook as a client sends it. */
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
export type WebhookInput = Static<typeof WebhookInput>;

/** A webhook's new configuration; `secret` may be left out to keep the current one. */
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
export type WebhookUpdate = Static<typeof WebhookUpdate>;

const EVENT_TYPE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*(\.\*)?$/;

/** Checks what the schema cannot: a usable URL without credentials, event types of the catalogue. */
export function checkWebhookInput(input: WebhookInput | WebhookUpdate): void {
  const errors: FieldErrors = {};
  const urlProblem = urlProblemOf(input.url);
  if (urlProblem) addFieldError(errors, 'url', urlProblem);
  input.event_types.forEach((type, index) => {
    if (!EVENT_TYPE.test(type)) {
      addFieldError(
        errors,
        `event_types[${index}]`,
        `'${type}' is not an event type: use an exact type such as package.revision.detected, or a prefix such as package.*`,
      );
      return;
    }
    const problem = eventTypePatternProblem(type);
    if (problem) addFieldError(errors, `event_types[${index}]`, problem);
  });
  if (Object.keys(errors).length > 0) throw new InvalidInput(errors);
}

/** Event types without repeats, in the order given. */
export function distinctEventTypes(types: readonly string[]): string[] {
  return [...new Set(types)];
}

function urlProblemOf(text: string): string | null {
  if (text.length > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url must be an absolute http or https URL, such as https://hooks.example.org/baton';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `url must use http or https, not ${url.protocol.slice(0, -1)}`;
  // Credentials in a URL end up in logs and audit entries; receivers check the signature instead.
  if (url.username !== '' || url.password !== '') return 'url must not contain a user name or password: the signature authenticates Baton to the receiver';
  if (url.hash !== '') return 'url must not contain a fragment (#…)';
  return null;
}

/** The URL as the audit log keeps it: without the query, which may carry a receiver's token. */
export function auditableUrl(text: string): string {
  const url = new URL(text);
  return `${url.origin}${url.pathname}`;
}
