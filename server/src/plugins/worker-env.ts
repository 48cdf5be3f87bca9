import { coversReservedVariable } from '@baton/plugin-api';

/** Variables any plugin may need to reach a repository the way the server does. */
const PASSED_THROUGH = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'NODE_ENV', 'TZ'];

/** What one plugin's workers may receive of the server's environment besides the proxy variables. */
export interface WorkerEnvAllowance {
  /** The plugin's own settings variables (`BATON_PLUGIN_<ID>_…`). */
  settings: readonly string[];
  /** Names and `prefix*` entries: the plugin's declared environment and the administrator's additions. */
  entries: readonly string[];
}

/**
 * The whole environment of a plugin's worker. Built from nothing rather than filtered from the
 * server's, so no secret of the server (database URL, keys, tokens) can reach plugin code: only
 * the proxy variables, the plugin's own settings, and what its allowance names — never a
 * variable of Baton's own or of its database's, whoever names it.
 *
 * @example
 * ```ts
 * workerEnv(process.env, { settings: [], entries: ['HOME', 'npm_config_*'] }, {});
 * ```
 */
export function workerEnv(
  source: Readonly<Record<string, string | undefined>>,
  allowance: WorkerEnvAllowance,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  const entries = allowance.entries.filter((entry) => !coversReservedVariable(entry));
  const names = new Set([...PASSED_THROUGH, ...allowance.settings, ...entries.filter((entry) => !entry.endsWith('*'))]);
  const prefixes = entries.filter((entry) => entry.endsWith('*')).map((entry) => entry.slice(0, -1).toLowerCase());
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const allowed = names.has(name) || (prefixes.some((prefix) => name.toLowerCase().startsWith(prefix)) && !coversReservedVariable(name));
    if (allowed) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * The names an administrator adds for one plugin in `BATON_PLUGIN_<ID>_PASS_ENV` (commas or
 * spaces between them).
 *
 * @example
 * ```ts
 * passedNames('NPM_TOKEN, GITHUB_TOKEN'); // ['NPM_TOKEN', 'GITHUB_TOKEN']
 * ```
 */
export function passedNames(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((name) => name !== '');
}
