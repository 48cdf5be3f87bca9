import type { Configuration } from '@baton/plugin-api';
import type { RegistryCredentials } from './credentials';
import { loadNpmConfiguration, type NpmConfiguration } from './npm-configuration';

/** Where one package's packument is asked for, and with which credentials. */
export interface RegistryAccess {
  /** The registry's base URL, ending with `/`, without credentials. */
  registry: string;
  credentials?: RegistryCredentials;
  /** Whether the registry came from the repository's REGISTRY_URL or from npm's configuration. */
  source: 'repository' | 'npm configuration';
  /** Where the credentials came from, when there are any. */
  credentialSource?: 'repository' | 'npm configuration';
}

/** Resolves the registry of each package of one repository; npm's configuration is read once, when first needed. */
export interface RegistryResolver {
  accessFor(packageName: string): Promise<RegistryAccess>;
}

function repositoryCredentials(repository: Configuration): RegistryCredentials | undefined {
  const token = repository['AUTH_TOKEN']?.trim();
  if (token) return { scheme: 'bearer', token };
  const username = repository['USERNAME']?.trim();
  if (username) return { scheme: 'basic', username, password: repository['PASSWORD'] ?? '' };
  return undefined;
}

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/**
 * The resolver for a repository configuration. With REGISTRY_URL, that registry and the
 * repository's credentials. Without, the registry npm's configuration names for the package (a
 * scope's registry for a scoped name), with the repository's credentials or else those npm's
 * configuration keeps for that very registry, so a token never goes to another one.
 *
 * @example
 * ```ts
 * const access = await registryResolver({ REGISTRY_URL: 'https://registry.example.org/npm' }).accessFor('left-pad');
 * access.registry; // 'https://registry.example.org/npm/'
 * ```
 */
export function registryResolver(repository: Configuration, load: () => Promise<NpmConfiguration> = () => loadNpmConfiguration()): RegistryResolver {
  const configured = repository['REGISTRY_URL']?.trim();
  const credentials = repositoryCredentials(repository);
  if (configured) {
    const access: RegistryAccess = {
      registry: withSlash(configured),
      ...(credentials && { credentials, credentialSource: 'repository' }),
      source: 'repository',
    };
    return { accessFor: async () => access };
  }
  let npm: Promise<NpmConfiguration> | null = null;
  return {
    async accessFor(packageName) {
      npm ??= load();
      const configuration = await npm;
      const registry = configuration.registryFor(packageName);
      if (credentials) return { registry, credentials, credentialSource: 'repository', source: 'npm configuration' };
      const found = configuration.credentialsFor(registry);
      return { registry, ...(found && { credentials: found, credentialSource: 'npm configuration' }), source: 'npm configuration' };
    },
  };
}
