/**
 * How to log in to a registry: a Bearer token or a user name and password (Basic).
 *
 * @example
 * ```ts
 * const token: RegistryCredentials = { scheme: 'bearer', token: 't0k3n' };
 * ```
 */
export type RegistryCredentials = { scheme: 'bearer'; token: string } | { scheme: 'basic'; username: string; password: string };

/**
 * The request headers that carry credentials.
 *
 * @example
 * ```ts
 * authorizationHeaders({ scheme: 'bearer', token: 't0k3n' }); // { authorization: 'Bearer t0k3n' }
 * ```
 */
export function authorizationHeaders(credentials: RegistryCredentials | undefined): Record<string, string> {
  if (credentials === undefined) return {};
  if (credentials.scheme === 'bearer') return { authorization: `Bearer ${credentials.token}` };
  return { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` };
}
