import type { Configuration, ConfigurationProperty, ValidationError } from '@baton/plugin-api';

export const repositoryProperties: ConfigurationProperty[] = [
  {
    key: 'INDEX_URL',
    displayName: 'Index URL',
    displayOrder: 0,
    description: 'URL of the JSON index that lists every package and its versions: http, https or file (file only under BATON_FILE_REPO_ROOTS).',
  },
];

export const packageProperties: ConfigurationProperty[] = [
  { key: 'NAME', displayName: 'Package name', displayOrder: 0, description: 'The name the index lists the package under.' },
  {
    key: 'INCLUDE_PRERELEASES',
    displayName: 'Include pre-releases',
    displayOrder: 1,
    type: 'boolean',
    defaultValue: 'false',
    required: false,
    description: 'Whether a version with a pre-release part (1.2.0-rc.1) counts as the latest.',
  },
];

/**
 * The index URL as configured, without surrounding blanks.
 *
 * @example
 * ```ts
 * indexUrl({ INDEX_URL: ' https://downloads.example.org/index.json ' }); // 'https://downloads.example.org/index.json'
 * ```
 */
export function indexUrl(repository: Configuration): string {
  return (repository['INDEX_URL'] ?? '').trim();
}

/**
 * Whether pre-releases count; the host has already checked the value is `true` or `false`.
 *
 * @example
 * ```ts
 * includesPrereleases({ NAME: 'left-pad', INCLUDE_PRERELEASES: 'true' }); // true
 * ```
 */
export function includesPrereleases(pkg: Configuration): boolean {
  return pkg['INCLUDE_PRERELEASES'] === 'true';
}

/** The plugin's own repository checks; the generic ones (required keys, types) run first. */
export async function validateRepository(repository: Configuration): Promise<ValidationError[]> {
  const text = indexUrl(repository);
  if (text === '') return [];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [{ key: 'INDEX_URL', message: `Index URL (INDEX_URL) '${text}' is not an absolute URL such as https://downloads.example.org/index.json` }];
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    return [{ key: 'INDEX_URL', message: 'Index URL (INDEX_URL) must be an http, https or file URL' }];
  }
  if (url.username || url.password) {
    return [{ key: 'INDEX_URL', message: 'Index URL (INDEX_URL) must not hold a user name or password' }];
  }
  return [];
}
