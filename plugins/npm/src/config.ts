import type { Configuration, ConfigurationProperty, SettingDeclaration, ValidationError } from '@baton/plugin-api';
import semver from 'semver';
import validatePackageName from 'validate-npm-package-name';

export const repositoryProperties: ConfigurationProperty[] = [
  {
    key: 'REGISTRY_URL',
    displayName: 'Registry URL',
    displayOrder: 0,
    required: false,
    description:
      "Base URL of the npm registry (http or https), e.g. https://registry.example.org/npm/. Empty: the registry Baton's npm configuration names (npm_config_registry, .npmrc, scoped registries).",
  },
  {
    key: 'AUTH_TOKEN',
    displayName: 'Auth token',
    displayOrder: 1,
    required: false,
    secure: true,
    partOfIdentity: false,
    description: 'Sent as a Bearer token. Leave empty to use USERNAME and PASSWORD, or the npm configuration’s credentials.',
  },
  {
    key: 'USERNAME',
    displayName: 'Username',
    displayOrder: 2,
    required: false,
    partOfIdentity: false,
    description: 'HTTP basic authentication, with PASSWORD.',
  },
  { key: 'PASSWORD', displayName: 'Password', displayOrder: 3, required: false, secure: true, partOfIdentity: false },
];

export const packageProperties: ConfigurationProperty[] = [
  { key: 'PACKAGE_NAME', displayName: 'Package name', displayOrder: 0, description: 'The npm package name, scoped or not: left-pad, @scope/name.' },
  {
    key: 'VERSION_RANGE',
    displayName: 'Version range',
    displayOrder: 1,
    required: false,
    defaultValue: '*',
    description: 'A node-semver range the version must satisfy: *, ^1.2.0, >=2 <3, 1.x.',
  },
  {
    key: 'DIST_TAG',
    displayName: 'Dist-tag',
    displayOrder: 2,
    required: false,
    description: 'Follow this dist-tag (latest, next, beta) instead of taking the highest version in range.',
  },
  {
    key: 'INCLUDE_PRERELEASE',
    displayName: 'Include pre-releases',
    displayOrder: 3,
    type: 'boolean',
    required: false,
    defaultValue: 'false',
    description: 'Whether pre-release versions (2.0.0-rc.1) count even when the range names none.',
  },
  {
    key: 'INCLUDE_DEPRECATED',
    displayName: 'Include deprecated',
    displayOrder: 4,
    type: 'boolean',
    required: false,
    defaultValue: 'false',
    description: 'Whether deprecated versions count.',
  },
];

/** The setting's key; the host reads it from BATON_PLUGIN_NPM_MAX_PACKUMENT_MB. */
export const MAX_PACKUMENT_MB = 'MAX_PACKUMENT_MB';
export const MAX_PACKUMENT_VARIABLE = 'BATON_PLUGIN_NPM_MAX_PACKUMENT_MB';

export const settings: Record<string, SettingDeclaration> = {
  [MAX_PACKUMENT_MB]: { type: 'integer', default: 200, min: 1, description: 'largest packument accepted, in MB (2^20 bytes) once decoded' },
};

/** What a package configuration asks for, read once. */
export interface PackageQuery {
  name: string;
  range: string;
  distTag: string | null;
  includePrerelease: boolean;
  includeDeprecated: boolean;
}

/**
 * A package configuration as a query; the host has already validated it.
 *
 * @example
 * ```ts
 * packageQuery({ PACKAGE_NAME: '@scope/tool', DIST_TAG: 'next' }).range; // '*'
 * ```
 */
export function packageQuery(pkg: Configuration): PackageQuery {
  const tag = pkg['DIST_TAG']?.trim();
  return {
    name: (pkg['PACKAGE_NAME'] ?? '').trim(),
    range: pkg['VERSION_RANGE']?.trim() || '*',
    distTag: tag ? tag : null,
    includePrerelease: pkg['INCLUDE_PRERELEASE'] === 'true',
    includeDeprecated: pkg['INCLUDE_DEPRECATED'] === 'true',
  };
}

function registryUrlErrors(text: string): ValidationError[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [{ key: 'REGISTRY_URL', message: `Registry URL (REGISTRY_URL) '${text}' is not an absolute URL such as https://registry.example.org/npm/` }];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return [{ key: 'REGISTRY_URL', message: 'Registry URL (REGISTRY_URL) must be an http or https URL' }];
  }
  if (url.username || url.password) {
    return [{ key: 'REGISTRY_URL', message: 'Registry URL (REGISTRY_URL) must not hold a user name or password: use AUTH_TOKEN, or USERNAME and PASSWORD' }];
  }
  if (url.search || url.hash) {
    return [{ key: 'REGISTRY_URL', message: 'Registry URL (REGISTRY_URL) must not have a query (?…) or a fragment (#…)' }];
  }
  return [];
}

function credentialErrors(repository: Configuration): ValidationError[] {
  const hasToken = Boolean(repository['AUTH_TOKEN']?.trim());
  const hasUser = Boolean(repository['USERNAME']?.trim());
  const hasPassword = Boolean(repository['PASSWORD']);
  if (hasToken && (hasUser || hasPassword)) {
    return [{ key: 'AUTH_TOKEN', message: 'Give either Auth token (AUTH_TOKEN) or Username and Password (USERNAME, PASSWORD), not both' }];
  }
  if (hasUser === hasPassword) return [];
  return [{ key: hasUser ? 'PASSWORD' : 'USERNAME', message: 'Username (USERNAME) and Password (PASSWORD) go together: give both or neither' }];
}

/** The plugin's own repository checks; the generic ones (unknown keys, types) come first. */
export async function validateRepository(repository: Configuration): Promise<ValidationError[]> {
  const url = repository['REGISTRY_URL']?.trim();
  return [...(url ? registryUrlErrors(url) : []), ...credentialErrors(repository)];
}

function nameErrors(name: string): ValidationError[] {
  const verdict = validatePackageName(name);
  // Names npm no longer accepts for new packages (upper case, long) still name packages one can watch.
  if (verdict.validForOldPackages) return [];
  const reasons = [...(verdict.errors ?? []), ...(verdict.warnings ?? [])];
  return [{ key: 'PACKAGE_NAME', message: `Package name (PACKAGE_NAME) '${name}' is not a valid npm package name: ${reasons.join('; ')}` }];
}

function rangeErrors(range: string | undefined): ValidationError[] {
  const text = range?.trim();
  if (!text || semver.validRange(text) !== null) return [];
  return [{ key: 'VERSION_RANGE', message: `Version range (VERSION_RANGE) '${text}' is not a node-semver range such as *, ^1.2.0 or >=2 <3` }];
}

function tagErrors(tag: string | undefined): ValidationError[] {
  const text = tag?.trim();
  if (!text) return [];
  // npm refuses such tags when they are set, since they would read as versions in `npm install name@tag`.
  if (semver.validRange(text) !== null) {
    return [
      { key: 'DIST_TAG', message: `Dist-tag (DIST_TAG) '${text}' is a semver range, and npm never names a dist-tag so: give a tag such as latest or next` },
    ];
  }
  if (encodeURIComponent(text) !== text) {
    return [{ key: 'DIST_TAG', message: `Dist-tag (DIST_TAG) '${text}' may hold only letters, digits and - _ . ! ~ * ' ( )` }];
  }
  return [];
}

/** The plugin's own package checks: a name npm accepts, a range node-semver reads, a tag npm could set. */
export async function validatePackage(_repository: Configuration, pkg: Configuration): Promise<ValidationError[]> {
  const name = pkg['PACKAGE_NAME']?.trim();
  return [...(name ? nameErrors(name) : []), ...rangeErrors(pkg['VERSION_RANGE']), ...tagErrors(pkg['DIST_TAG'])];
}
