/** Roles, weakest first: every check means "this role or higher". */
export const ROLES = ['viewer', 'operator', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAtLeast(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

/** Who is making a request: the token's name is the user name. */
export interface Actor {
  tokenId: string;
  name: string;
  role: Role;
  /** The sign-in session the request came with, when it came with a session cookie instead of the token. */
  sessionId?: string;
}
