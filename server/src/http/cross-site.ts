import type { Request } from 'express';
import { HttpProblem } from './problem';

/** The header a browser's own page adds to every request that changes something; a plain form or link cannot. */
export const REQUEST_HEADER = 'X-Baton-Request';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request only reads: such requests need no protection against cross-site forgery. */
export function isSafeMethod(req: Request): boolean {
  return SAFE_METHODS.has(req.method);
}

/**
 * Refuses a request sent from another site's page. The cookie alone says nothing about who made a
 * request: its `Origin`, when the browser sends one, must be Baton's own (scheme, host and port as
 * this server sees them, through a trusted proxy), and where `requireHeader` says so it must carry
 * `X-Baton-Request: 1`, which no other site can add without Baton's consent (Baton answers no CORS).
 */
export function refuseCrossSite(req: Request, requireHeader: boolean): void {
  const origin = req.get('origin');
  const own = req.host ? originOf(`${req.protocol}://${req.host}`) : null;
  if (origin !== undefined && (own === null || originOf(origin) !== own)) {
    throw new HttpProblem(403, `Refused: the request comes from ${origin}, not from ${own ?? 'this server'} (cross-site requests are not accepted)`);
  }
  if (requireHeader && req.get(REQUEST_HEADER) !== '1') {
    throw new HttpProblem(403, `Refused: a request signed in by the session cookie that changes something needs the header ${REQUEST_HEADER}: 1`);
  }
}

/** `scheme://host[:port]` as browsers write an Origin (lower case, no default port); null for anything else, such as `null`. */
function originOf(url: string): string | null {
  return URL.canParse(url) ? new URL(url).origin : null;
}
