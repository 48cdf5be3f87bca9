import type { Configuration, ConfigurationProperty, SettingDeclaration, ValidationError } from '@baton/plugin-api';
import { hasFieldReading, parsePackageSpec } from './spec';
import { readPublicKey } from '@baton/plugin-kit';

export const repositoryProperties: ConfigurationProperty[] = [
  {
    key: 'REPO_URL',
    displayName: 'Repository URL',
    displayOrder: 0,
    description: 'Base URL of the repository, the folder that holds repodata/: http, https or file (file only under BATON_FILE_REPO_ROOTS).',
  },
  { key: 'USERNAME', displayName: 'Username', displayOrder: 1, required: false, partOfIdentity: false },
  { key: 'PASSWORD', displayName: 'Password', displayOrder: 2, required: false, secure: true, partOfIdentity: false },
  {
    key: 'GPG_KEY',
    displayName: 'GPG public key',
    displayOrder: 3,
    required: false,
    partOfIdentity: false,
    description: 'ASCII-armoured public key; when set, repodata/repomd.xml.asc must exist and verify against it.',
  },
];

export const packageProperties: ConfigurationProperty[] = [
  {
    key: 'PACKAGE_SPEC',
    displayName: 'Package spec',
    displayOrder: 0,
    description:
      'name, name.arch, name-version, name-version-release, name-version-release.arch, name-epoch:version-release.arch or epoch:name-version-release.arch; * and ? match any characters and one character, in a field or across the whole spec (arc-*.i686). Names match without regard to case when nothing else matches.',
  },
];

/** The setting's key; the host reads it from BATON_PLUGIN_YUM_MAX_METADATA_BYTES. */
export const MAX_METADATA_BYTES = 'MAX_METADATA_BYTES';
export const MAX_METADATA_VARIABLE = 'BATON_PLUGIN_YUM_MAX_METADATA_BYTES';

/** The setting's key; the host reads it from BATON_PLUGIN_YUM_MAX_ENTRY_BYTES. */
export const MAX_ENTRY_BYTES = 'MAX_ENTRY_BYTES';
export const MAX_ENTRY_VARIABLE = 'BATON_PLUGIN_YUM_MAX_ENTRY_BYTES';

export const settings: Record<string, SettingDeclaration> = {
  [MAX_METADATA_BYTES]: {
    type: 'integer',
    default: 1024 * 1024 * 1024,
    min: 1024,
    description: 'largest primary metadata accepted, in bytes once decompressed (and as downloaded)',
  },
  [MAX_ENTRY_BYTES]: {
    type: 'integer',
    default: 16 * 1024 * 1024,
    min: 1024,
    description: 'largest single <package> entry (or other item) of primary metadata, in bytes once decompressed',
  },
};

const SPEC_CHARACTERS = /^[A-Za-z0-9._+~^:*?-]+$/;

/**
 * The repository's base URL with a trailing `/`, so that `repodata/…` resolves inside it.
 *
 * @example
 * ```ts
 * repositoryBaseUrl({ REPO_URL: ' https://repo.example.org/el9 ' }); // 'https://repo.example.org/el9/'
 * ```
 */
export function repositoryBaseUrl(repository: Configuration): string {
  const url = (repository['REPO_URL'] ?? '').trim();
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Basic authentication when a user name is configured; never for file URLs.
 *
 * @example
 * ```ts
 * credentials({ REPO_URL: 'https://repo.example.org/', USERNAME: 'ci', PASSWORD: 's3cret' }); // { username: 'ci', password: 's3cret' }
 * ```
 */
export function credentials(repository: Configuration): { username: string; password: string } | undefined {
  const username = repository['USERNAME']?.trim();
  if (!username || repositoryBaseUrl(repository).startsWith('file:')) return undefined;
  return { username, password: repository['PASSWORD'] ?? '' };
}

function urlErrors(text: string): ValidationError[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [{ key: 'REPO_URL', message: `Invalid URL: '${text}' is not an absolute URL such as https://repo.example.org/el9/.` }];
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    return [{ key: 'REPO_URL', message: "Invalid URL: Only 'file', 'http' and 'https' protocols are supported." }];
  }
  if (url.username || url.password) {
    return [{ key: 'REPO_URL', message: 'Invalid URL: a user name or password inside the URL is not allowed; use USERNAME and PASSWORD instead.' }];
  }
  if (url.search || url.hash) {
    return [{ key: 'REPO_URL', message: 'Invalid URL: the repository URL must not have a query (?…) or a fragment (#…).' }];
  }
  return [];
}

function credentialErrors(repository: Configuration): ValidationError[] {
  const hasUser = Boolean(repository['USERNAME']?.trim());
  const hasPassword = Boolean(repository['PASSWORD']);
  if (!hasUser && !hasPassword) return [];
  if (repository['REPO_URL']?.trim().startsWith('file:')) {
    return [{ key: hasUser ? 'USERNAME' : 'PASSWORD', message: 'File URLs take no credentials: leave Username and Password empty.' }];
  }
  if (hasUser && hasPassword) return [];
  return [{ key: hasUser ? 'PASSWORD' : 'USERNAME', message: 'Both Username and password are required.' }];
}

async function gpgKeyErrors(armoredKey: string | undefined): Promise<ValidationError[]> {
  if (armoredKey === undefined || armoredKey.trim() === '') return [];
  const problem = await readPublicKey(armoredKey).then(
    () => null,
    (error: Error) => error.message,
  );
  return problem === null ? [] : [{ key: 'GPG_KEY', message: `GPG public key (GPG_KEY): ${problem}` }];
}

/** The plugin's own repository checks; the generic ones (required, unknown keys) come first. */
export async function validateRepository(repository: Configuration): Promise<ValidationError[]> {
  const url = repository['REPO_URL']?.trim();
  return [...(url ? urlErrors(url) : []), ...credentialErrors(repository), ...(await gpgKeyErrors(repository['GPG_KEY']))];
}

/** The plugin's own package checks: a spec that one of the forms can read. */
export async function validatePackage(_repository: Configuration, pkg: Configuration): Promise<ValidationError[]> {
  const spec = pkg['PACKAGE_SPEC']?.trim();
  if (!spec) return [];
  if (!SPEC_CHARACTERS.test(spec)) {
    return [
      {
        key: 'PACKAGE_SPEC',
        message: `Package spec (PACKAGE_SPEC) '${spec}' may hold only letters, digits and . _ + ~ ^ : - * ? (for example scrt or scrt-0.3.3-1.x86_64)`,
      },
    ];
  }
  if (!hasFieldReading(parsePackageSpec(spec))) {
    return [{ key: 'PACKAGE_SPEC', message: `Package spec (PACKAGE_SPEC) '${spec}' is not a name, name.arch or name-[epoch:]version[-release][.arch]` }];
  }
  return [];
}
