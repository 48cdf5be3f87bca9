import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { Conflict, Forbidden, PluginFailed, InvalidInput, NotFound, StaleVersion, Unavailable, VersionRequired, type FieldErrors } from '../domain-errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Thrown by the HTTP layer itself (auth, content type, methods). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** Writes an RFC 9457 problem document. */
export function sendProblem(res: Response, status: number, detail: string, extra: { errors?: FieldErrors; headers?: Record<string, string> } = {}): void {
  for (const [name, value] of Object.entries(extra.headers ?? {})) res.setHeader(name, value);
  const body: Record<string, unknown> = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail };
  if (extra.errors) body['errors'] = extra.errors;
  res.status(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** The one place where errors become HTTP answers. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const mapped = mapError(error);
    if (mapped.status >= 500 && !(error instanceof Unavailable)) {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    }
    sendProblem(res, mapped.status, mapped.detail, mapped);
  };
}

interface MappedError {
  status: number;
  detail: string;
  errors?: FieldErrors;
  headers?: Record<string, string>;
}

function mapError(error: unknown): MappedError {
  if (error instanceof HttpProblem) return { status: error.status, detail: error.message, headers: error.headers };
  if (error instanceof InvalidInput) return { status: 422, detail: error.message, errors: error.errors };
  if (error instanceof NotFound) return { status: 404, detail: error.message };
  if (error instanceof Conflict) return { status: 409, detail: error.message };
  if (error instanceof StaleVersion) return { status: 412, detail: error.message };
  if (error instanceof VersionRequired) return { status: 428, detail: error.message };
  if (error instanceof Forbidden) return { status: 403, detail: error.message };
  if (error instanceof PluginFailed) return { status: 502, detail: error.message };
  if (error instanceof Unavailable) {
    return { status: 503, detail: error.message, headers: error.retryAfterSeconds ? { 'Retry-After': String(error.retryAfterSeconds) } : {} };
  }
  return fromBodyParser(error) ?? { status: 500, detail: 'An unexpected error occurred; it has been logged' };
}

/** Errors of express's JSON body parser carry a `type`. */
function fromBodyParser(error: unknown): MappedError | null {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return { status: 400, detail: 'The body is not valid JSON' };
  if (type === 'entity.too.large') {
    const limit = (error as { limit?: number }).limit;
    return { status: 413, detail: `The body is larger than the limit of ${limit ?? 'the server'} bytes` };
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return { status: 415, detail: 'Send the body as UTF-8 JSON' };
  if (type === 'request.aborted') return { status: 400, detail: 'The request was aborted' };
  return null;
}
