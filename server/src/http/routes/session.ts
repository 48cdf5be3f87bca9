import { Type, type Static } from '@sinclair/typebox';
import type { Request } from 'express';
import type { SignInSession as Session, SignInSessions } from '../../security/sign-in-sessions';
import { refuseCrossSite, REQUEST_HEADER } from '../cross-site';
import { HttpProblem } from '../problem';
import { defineRoute, type RouteDefinition } from '../route';
import { Problem, ref, SignInInput, SignInSession } from '../schemas';
import { clearedSessionCookie, sessionCookie, sessionSecret } from '../session-cookie';

const SET_COOKIE = { description: 'The session cookie `baton_session`: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS.', schema: Type.String() };
const NO_SESSION = 'There is no session: sign in with POST /api/session';

function presentSession(session: Session): Static<typeof SignInSession> {
  return { name: session.actor.name, role: session.actor.role, expires_at: session.expiresAt.toISOString() };
}

async function currentSession(signIns: SignInSessions, req: Request): Promise<Session> {
  const secret = sessionSecret(req);
  const session = secret === null ? null : await signIns.current(secret);
  if (!session) throw new HttpProblem(401, NO_SESSION);
  return session;
}

/** Signing in from a browser: an API token is exchanged for a session cookie, and the browser keeps only the cookie. */
export function sessionRoutes(signIns: SignInSessions): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/session',
      operationId: 'signIn',
      summary: 'Sign in with an API token: answers a session cookie that stands for the token (refused from another site’s page)',
      tag: 'session',
      access: 'public',
      body: ref(SignInInput),
      responses: {
        201: { description: 'Signed in; the cookie holds the session.', schema: ref(SignInSession), headers: { 'Set-Cookie': SET_COOKIE } },
        401: { description: 'The token is not valid; no cookie is set.', schema: ref(Problem) },
        403: { description: 'The request comes from another origin.', schema: ref(Problem) },
      },
      async handler({ body, request }) {
        refuseCrossSite(request, false);
        const session = await signIns.signIn(body.token);
        if (!session) throw new HttpProblem(401, 'The API token is not valid (it may have been deleted)');
        const maxAgeSeconds = Math.ceil((session.expiresAt.getTime() - Date.now()) / 1000);
        return { status: 201, body: presentSession(session), headers: { 'Set-Cookie': sessionCookie(request, session.secret, maxAgeSeconds) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/session',
      operationId: 'getSession',
      summary: 'The session the cookie holds, and whom it acts as',
      tag: 'session',
      access: 'public',
      responses: {
        200: { description: 'The current session.', schema: ref(SignInSession) },
        401: { description: 'No cookie, or its session has ended.', schema: ref(Problem) },
      },
      async handler({ request }) {
        return { status: 200, body: presentSession(await currentSession(signIns, request)) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/session',
      operationId: 'signOut',
      summary: `Sign out: ends the session and clears the cookie, also when the session has already ended (needs ${REQUEST_HEADER}: 1, from Baton’s own origin)`,
      tag: 'session',
      access: 'public',
      requestHeaders: { [REQUEST_HEADER]: { description: 'Must be `1`: shows the request comes from Baton’s own page.', required: true } },
      responses: {
        204: { description: 'Signed out; the cookie is cleared.', headers: { 'Set-Cookie': SET_COOKIE } },
        403: { description: `No ${REQUEST_HEADER} header, or the request comes from another origin.`, schema: ref(Problem) },
      },
      async handler({ request }) {
        refuseCrossSite(request, true);
        const secret = sessionSecret(request);
        if (secret !== null) await signIns.signOut(secret);
        return { status: 204, headers: { 'Set-Cookie': clearedSessionCookie(request) } };
      },
    }),
  ];
}
