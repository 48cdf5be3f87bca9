import type { Request } from 'express';
import type { SignInSessions } from '../security/sign-in-sessions';
import type { TokenService } from '../security/token-service';
import { roleAtLeast, type Actor, type Role } from '../security/roles';
import { isSafeMethod, refuseCrossSite } from './cross-site';
import { HttpProblem } from './problem';
import { sessionSecret } from './session-cookie';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="baton"' };

/** What a request may authenticate with: an API token, or a sign-in session made from one. */
export interface Credentials {
  tokens: TokenService;
  signIns: SignInSessions;
}

/** The bearer token of a request, from the Authorization header. */
export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}

/**
 * The actor behind a request, who must hold `required` or a higher role: by its bearer token (or
 * `?access_token=` where the route takes one), which wins, else by its session cookie. A request
 * that changes something by the cookie alone must show it comes from Baton's own page.
 */
export async function authenticateRequest(credentials: Credentials, req: Request, required: Role, queryToken = false): Promise<Actor> {
  const queried = queryToken && typeof req.query['access_token'] === 'string' ? req.query['access_token'] : null;
  const token = bearerToken(req) ?? queried;
  if (token !== null) return authenticate(credentials.tokens, token, required);
  const secret = sessionSecret(req);
  if (secret === null) {
    throw new HttpProblem(401, 'This route needs an API token (Authorization: Bearer <token>) or a session cookie from POST /api/session', CHALLENGE);
  }
  const session = await credentials.signIns.current(secret);
  if (!session) throw new HttpProblem(401, 'The session has ended (signed out, expired, or its token was deleted): sign in again', CHALLENGE);
  if (!isSafeMethod(req)) refuseCrossSite(req, true);
  return withRole(session.actor, required);
}

/** The actor behind a token, who must hold `required` or a higher role. */
async function authenticate(tokens: TokenService, token: string, required: Role): Promise<Actor> {
  const actor = await tokens.authenticate(token);
  if (!actor) throw new HttpProblem(401, 'The API token is not valid (it may have been deleted)', CHALLENGE);
  return withRole(actor, required);
}

function withRole(actor: Actor, required: Role): Actor {
  if (!roleAtLeast(actor.role, required)) {
    throw new HttpProblem(403, `This needs the ${required} role or higher; the token '${actor.name}' has ${actor.role}`);
  }
  return actor;
}
