import { outboundDispatcher } from '../security/outbound-dispatcher';
import type { HttpStep } from './job-assignment';
import { failed, PASSED, TaskRefused, type TaskContext, type TaskOutcome } from './task-context';

const DEFAULT_TIMEOUT_SECONDS = 60;
const EXCERPT_CHARACTERS = 1000;

/**
 * One HTTP request, to hand a promotion to another system: a 2xx answer passes. Redirects are not
 * followed (headers may carry credentials meant for the named host), so a 3xx fails and says where it points.
 * `${NAME}` in the url, the headers and the body is replaced by the job's variable of that name
 * (a secure one stays masked in the console); `$${` writes a literal `${`.
 */
export async function runHttpTask(step: HttpStep['http'], context: TaskContext): Promise<TaskOutcome> {
  const expand = (text: string, field: string) => expandVariables(text, context.environment, field);
  const method = (step.method ?? 'GET').toUpperCase();
  const url = httpUrl(expand(step.url, 'url'));
  const headers = Object.fromEntries(Object.entries(step.headers ?? {}).map(([name, value]) => [name, expand(value, `header ${name}`)]));
  const body = step.body === undefined ? undefined : expand(step.body, 'body');
  const timeoutSeconds = step.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS;
  context.console.line(`http ${method} ${url.href}`);
  const timeout = AbortSignal.timeout(timeoutSeconds * 1000);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { 'user-agent': context.settings.userAgent, ...headers },
      ...(body !== undefined ? { body } : {}),
      redirect: 'manual',
      dispatcher: outboundDispatcher(context.settings.outbound),
      signal: AbortSignal.any([context.signal, timeout]),
    });
  } catch (error) {
    if (context.signal.aborted) return failed(String(context.signal.reason));
    if (timeout.aborted) return failed(`${method} ${url.href} did not answer within ${timeoutSeconds} s`);
    throw error;
  }
  const excerpt = await bodyExcerpt(response);
  context.console.line(`answered ${response.status} ${response.statusText}`.trimEnd());
  if (excerpt !== '') context.console.write(`${excerpt}\n`);
  if (response.status >= 200 && response.status < 300) return PASSED;
  const location = response.headers.get('location');
  return failed(`${method} ${url.href} answered ${response.status}${location ? ` (redirect to ${location}, not followed)` : ''}`);
}

const VARIABLE = /\$(\$?)\{([^}]*)\}/g;

/** `${NAME}` replaced by the variable's value; an unknown or malformed name refuses the task. */
export function expandVariables(text: string, environment: Readonly<Record<string, string>>, field: string): string {
  return text.replace(VARIABLE, (whole, escaped: string, name: string) => {
    if (escaped) return whole.slice(1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TaskRefused(`${field}: '\${${name}}' is not a variable name`);
    const value = Object.hasOwn(environment, name) ? environment[name] : undefined;
    if (value === undefined) throw new TaskRefused(`${field}: the job has no variable ${name}`);
    return value;
  });
}

function httpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TaskRefused(`url '${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TaskRefused(`url '${text}' must be http or https`);
  return url;
}

/** The start of the answer's body, read no further than needed. */
async function bodyExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < EXCERPT_CHARACTERS) {
      const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut off midway still leaves its start to show.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.length > EXCERPT_CHARACTERS ? `${text.slice(0, EXCERPT_CHARACTERS)}…` : text;
}
