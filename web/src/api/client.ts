import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/**
 * The API, typed from the server's own OpenAPI document. The session cookie goes with every
 * request; the header marks a request as the UI's own, which the server asks of cookie-signed
 * changes so that another site cannot forge them.
 */
export const UI_REQUEST_HEADER = { 'X-Baton-Request': '1' } as const;

// No HTTP cache: the API's answers carry no Cache-Control, and Chromium was seen answering a
// package's GET from its cache, with the latest revision of an earlier answer.
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin', cache: 'no-store', headers: UI_REQUEST_HEADER });

/** An API answer that was not a success, in the words of its problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** What is wrong with each field, by its path (`name`, `configuration.REPO_URL`). */
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError carrying the problem's `detail` (or the status when there is none). */
export function dataOf<T>(answer: Answer<T>): T {
  if (answer.response.ok) return answer.data as T;
  const fields = (answer.error as { errors?: Record<string, string[]> } | undefined)?.errors ?? {};
  throw new ApiError(answer.response.status, problemDetail(answer.error, answer.response), fields);
}

function problemDetail(error: unknown, response: Response): string {
  if (typeof error === 'object' && error !== null && typeof (error as { detail?: unknown }).detail === 'string') {
    return (error as { detail: string }).detail;
  }
  return `The server answered ${response.status} ${response.statusText}`.trim();
}

/** What to show for a failure: the server's words, or what went wrong on the way there. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The server could not be reached. Check the connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
