import path from 'node:path';
import { PermanentError } from '@baton/plugin-api';
import type { RegistryCredentials } from './credentials';
import { NpmCliConfigClass, npmCliDefinitions, type NpmCliCredentials } from './npm-cli-config';

const { definitions, flatten, nerfDarts, shorthands } = npmCliDefinitions;

/**
 * The server's variables npm's configuration is read from, which the plugin's workers receive:
 * the user's home (`.npmrc`), npm's settings, and where npm's global configuration is. Variables
 * that an `.npmrc` names in `${VAR}` are the administrator's to add (`BATON_PLUGIN_NPM_PASS_ENV`).
 *
 * @example
 * ```ts
 * NPM_ENVIRONMENT.includes('HOME'); // true
 * ```
 */
export const NPM_ENVIRONMENT: string[] = ['HOME', 'npm_config_*', 'PREFIX', 'DESTDIR'];

/** What npm's configuration says about registries, as npm itself reads it. */
export interface NpmConfiguration {
  /** The registry for a package name: its scope's registry, else the configured one, else npm's default; ends with `/`. */
  registryFor(packageName: string): string;
  /** The credentials the configuration keeps for exactly this registry URL (host and path), if any. */
  credentialsFor(registry: string): RegistryCredentials | undefined;
}

/**
 * npm's default registry, from npm's own definitions: Baton's code names no registry host.
 *
 * @example
 * ```ts
 * new URL(defaultRegistry()).protocol; // 'https:'
 * ```
 */
export function defaultRegistry(): string {
  return withSlash(String(definitions['registry']?.default));
}

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/** Where npm's builtin configuration (`<npm>/npmrc`) would be beside this Node.js, as npm finds its own folder. */
function npmPathBeside(execPath: string, platform: string): string {
  const prefix = path.dirname(execPath);
  return platform === 'win32' ? path.join(prefix, 'node_modules', 'npm') : path.join(prefix, '..', 'lib', 'node_modules', 'npm');
}

function credentialsOf(found: NpmCliCredentials): RegistryCredentials | undefined {
  if (found.token) return { scheme: 'bearer', token: found.token };
  if (found.username !== undefined && found.password !== undefined) return { scheme: 'basic', username: found.username, password: found.password };
  return undefined;
}

/**
 * Loads npm's configuration with `@npmcli/config`, from the given environment only: `HOME` (the
 * user's `.npmrc`), `npm_config_*` variables, the global `npmrc` under Node's prefix (or
 * `PREFIX`), with `${VAR}` references in `.npmrc` files taken from `env`. A worker's `process.env`
 * is its own, while `os.homedir()` reads the process's: hence `HOME` from `env`. No project
 * `.npmrc` is read (global mode): Baton's working folder is no npm project.
 *
 * @example
 * ```ts
 * const npm = await loadNpmConfiguration({ HOME: '/home/ci', NPM_TOKEN: 's3cret' });
 * npm.registryFor('@corp/tool'); // the @corp:registry of /home/ci/.npmrc, or the default registry
 * ```
 */
export async function loadNpmConfiguration(env: Readonly<Record<string, string | undefined>> = process.env): Promise<NpmConfiguration> {
  const config = new NpmCliConfigClass({
    definitions,
    shorthands,
    flatten,
    nerfDarts,
    npmPath: npmPathBeside(process.execPath, process.platform),
    // A copy: loading writes npm_config_* variables into the environment it is given.
    env: { ...env },
    argv: ['node', 'npm', '--location=global'],
    cwd: env['HOME'] ?? path.parse(process.cwd()).root,
    warn: false,
  });
  try {
    await config.load();
  } catch (error) {
    throw new PermanentError('npm_configuration', `npm's configuration could not be read: ${(error as Error).message}`);
  }
  const configured = config.get('registry');
  const registry = typeof configured === 'string' && configured !== '' ? withSlash(configured) : defaultRegistry();
  return {
    registryFor(packageName) {
      const scope = packageName.startsWith('@') ? packageName.slice(0, packageName.indexOf('/')) : null;
      const scoped = scope === null ? undefined : config.get(`${scope}:registry`);
      return typeof scoped === 'string' && scoped !== '' ? withSlash(scoped) : registry;
    },
    credentialsFor: (url) => credentialsOf(config.getCredentialsByURI(url)),
  };
}
