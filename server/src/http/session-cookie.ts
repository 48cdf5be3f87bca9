import type { Request } from 'express';

/** The cookie that carries a sign-in session's secret. */
export const SESSION_COOKIE = 'baton_session';

/** The session secret a request's cookie holds, if any (the first, should a client send several). */
export function sessionSecret(req: Request): string | null {
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(at + 1).trim();
    return value === '' ? null : value;
  }
  return null;
}

/**
 * The `Set-Cookie` value that keeps a session for `maxAgeSeconds` (0 clears it). Script cannot read
 * it, other sites' requests do not carry it, and it is `Secure` when the request came over HTTPS (as
 * a trusted proxy says with X-Forwarded-Proto): Baton itself speaks plain HTTP.
 */
export function sessionCookie(req: Request, secret: string, maxAgeSeconds: number): string {
  const attributes = [`${SESSION_COOKIE}=${secret}`, 'HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${maxAgeSeconds}`];
  if (req.secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** The `Set-Cookie` value that makes the browser forget the session cookie. */
export function clearedSessionCookie(req: Request): string {
  return sessionCookie(req, '', 0);
}
