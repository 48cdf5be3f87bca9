/** Variables any plugin may need to reach a repository the way the server does. */
const PASSED_THROUGH = new Set(['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'NODE_ENV', 'TZ']);

/**
 * The whole environment of a plugin's worker. Built from nothing rather than filtered from the
 * server's, so no secret of the server (database URL, keys, tokens) can reach plugin code.
 */
export function workerEnv(
  source: Readonly<Record<string, string | undefined>>,
  pluginVariables: readonly string[],
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  const own = new Set(pluginVariables);
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && (PASSED_THROUGH.has(name) || own.has(name))) env[name] = value;
  }
  return { ...env, ...extra };
}
