import { addFieldError, InvalidInput, type FieldErrors } from '../../domain-errors';
import { eventTypePatternProblem } from './event-type-filter';

/** A webhook as a client sends it; `secret` may be left out of an update to keep the current one. */
export interface WebhookInput {
  url: string;
  event_types: string[];
  secret?: string;
  enabled: boolean;
}

const EVENT_TYPE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*(\.\*)?$/;
const MAX_URL_LENGTH = 2048;

/** Checks what the schema cannot: a usable URL without credentials, event types of the catalogue. */
export function checkWebhookInput(input: WebhookInput): void {
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
