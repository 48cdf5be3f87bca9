import type { Request } from 'express';
import type { TokenService } from '../security/token-service';
import { roleAtLeast, type Actor, type Role } from '../security/roles';
import { HttpProblem } from './problem';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="baton"' };

/** The bearer token of a request, from the Authorization header. */
export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}

/** The actor behind a request, who must hold `required` or a higher role. */
export async function authenticate(tokens: TokenService, token: string | null, required: Role): Promise<Actor> {
  if (token === null) throw new HttpProblem(401, 'This route needs an API token: Authorization: Bearer <token>', CHALLENGE);
  const actor = await tokens.authenticate(token);
  if (!actor) throw new HttpProblem(401, 'The API token is not valid (it may have been deleted)', CHALLENGE);
  if (!roleAtLeast(actor.role, required)) {
    throw new HttpProblem(403, `This needs the ${required} role or higher; the token '${actor.name}' has ${actor.role}`);
  }
  return actor;
}
