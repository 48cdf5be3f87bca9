import type { Configuration, ConfigurationProperty, SettingDeclaration, ValidationError } from '@baton/plugin-api';
import { compareMavenVersions, parseMavenVersion } from './version';
import { RangeSyntaxError, boundsRange, parseVersionRange, type VersionRange } from './version-range';

export const repositoryProperties: ConfigurationProperty[] = [
  {
    key: 'REPO_URL',
    displayName: 'Repository URL',
    displayOrder: 0,
    description: 'Base URL of the Maven repository (the folder that holds the group folders): http, https or file (file only under BATON_FILE_REPO_ROOTS).',
  },
  { key: 'USERNAME', displayName: 'Username', displayOrder: 1, required: false, partOfIdentity: false },
  { key: 'PASSWORD', displayName: 'Password', displayOrder: 2, required: false, secure: true, partOfIdentity: false },
  {
    key: 'AUTH_TOKEN',
    displayName: 'Bearer token',
    displayOrder: 3,
    required: false,
    secure: true,
    partOfIdentity: false,
    description: 'Sent as Authorization: Bearer, for repositories that want a token instead of a user name and password.',
  },
];

const flag = (key: string, displayName: string, displayOrder: number, defaultValue: string, description: string): ConfigurationProperty => ({
  key,
  displayName,
  displayOrder,
  type: 'boolean',
  defaultValue,
  required: false,
  description,
});

export const packageProperties: ConfigurationProperty[] = [
  { key: 'GROUP_ID', displayName: 'Group id', displayOrder: 0, description: 'The groupId of the artifact, such as org.example.tools.' },
  { key: 'ARTIFACT_ID', displayName: 'Artifact id', displayOrder: 1, description: 'The artifactId of the artifact.' },
  {
    key: 'PACKAGING',
    displayName: 'Packaging',
    displayOrder: 2,
    defaultValue: 'jar',
    required: false,
    description: 'The extension of the file to watch: jar, war, pom, zip, tar.gz …',
  },
  { key: 'CLASSIFIER', displayName: 'Classifier', displayOrder: 3, required: false, description: 'Optional classifier, such as sources or linux-x86_64.' },
  {
    key: 'VERSION_RANGE',
    displayName: 'Version range',
    displayOrder: 4,
    required: false,
    description: 'Maven range syntax: [1.0,2.0), [1.5,), (,1.0],[1.2,). Not together with POLL_VERSION_FROM / POLL_VERSION_TO.',
  },
  { key: 'POLL_VERSION_FROM', displayName: 'Poll version from', displayOrder: 5, required: false, description: 'Lowest version to report (inclusive).' },
  {
    key: 'POLL_VERSION_TO',
    displayName: 'Poll version to',
    displayOrder: 6,
    required: false,
    description: 'Versions from this one up are not reported (exclusive).',
  },
  flag('INCLUDE_SNAPSHOTS', 'Include snapshots', 7, 'false', 'Whether -SNAPSHOT versions count, resolved to their latest timestamped build.'),
  flag('INCLUDE_PRERELEASES', 'Include pre-releases', 8, 'true', 'Whether alpha, beta, milestone and rc versions count.'),
  flag('VERIFY_ARTIFACT', 'Verify artifact', 9, 'true', 'Whether the file of the chosen version must exist before it is reported.'),
];

/** The setting's key; the host reads it from BATON_PLUGIN_MAVEN_MAX_METADATA_BYTES. */
export const MAX_METADATA_BYTES = 'MAX_METADATA_BYTES';
export const MAX_METADATA_VARIABLE = 'BATON_PLUGIN_MAVEN_MAX_METADATA_BYTES';

export const settings: Record<string, SettingDeclaration> = {
  [MAX_METADATA_BYTES]: {
    type: 'integer',
    default: 8 * 1024 * 1024,
    min: 1024,
    description: 'largest maven-metadata.xml (or POM) accepted, in bytes',
  },
};

/** What a package asks for: which file of which artifact, and which versions count. */
export interface ArtifactSelection {
  groupId: string;
  artifactId: string;
  extension: string;
  classifier: string;
  range: VersionRange | null;
  snapshots: boolean;
  prereleases: boolean;
  verify: boolean;
}

const text = (configuration: Configuration, key: string): string => (configuration[key] ?? '').trim();
const optional = (configuration: Configuration, key: string): string | null => text(configuration, key) || null;
const yes = (configuration: Configuration, key: string, fallback: boolean): boolean => (text(configuration, key) || String(fallback)) === 'true';

/**
 * A validated package configuration as a selection, with every default applied.
 *
 * @example
 * ```ts
 * selectionOf({ GROUP_ID: 'com.imagingbook', ARTIFACT_ID: 'imagingbook-common' }).extension; // 'jar'
 * ```
 */
export function selectionOf(pkg: Configuration): ArtifactSelection {
  const range = optional(pkg, 'VERSION_RANGE');
  const from = optional(pkg, 'POLL_VERSION_FROM');
  const to = optional(pkg, 'POLL_VERSION_TO');
  return {
    groupId: text(pkg, 'GROUP_ID'),
    artifactId: text(pkg, 'ARTIFACT_ID'),
    extension: text(pkg, 'PACKAGING') || 'jar',
    classifier: text(pkg, 'CLASSIFIER'),
    range: range !== null ? parseVersionRange(range) : from !== null || to !== null ? boundsRange(from, to) : null,
    snapshots: yes(pkg, 'INCLUDE_SNAPSHOTS', false),
    prereleases: yes(pkg, 'INCLUDE_PRERELEASES', true),
    verify: yes(pkg, 'VERIFY_ARTIFACT', true),
  };
}

/**
 * The repository's base URL with a trailing `/`, so that group folders resolve inside it.
 *
 * @example
 * ```ts
 * repositoryBaseUrl({ REPO_URL: 'https://registry.example.org/maven2' }); // 'https://registry.example.org/maven2/'
 * ```
 */
export function repositoryBaseUrl(repository: Configuration): string {
  const url = text(repository, 'REPO_URL');
  return url.endsWith('/') ? url : `${url}/`;
}

function urlErrors(value: string): ValidationError[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ key: 'REPO_URL', message: `Invalid URL: '${value}' is not an absolute URL such as https://registry.example.org/maven2/.` }];
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    return [{ key: 'REPO_URL', message: "Invalid URL: Only 'file', 'http' and 'https' protocols are supported." }];
  }
  if (url.username || url.password) {
    return [
      {
        key: 'REPO_URL',
        message: 'Invalid URL: a user name or password inside the URL is not allowed; put them in USERNAME and PASSWORD (or a token in AUTH_TOKEN).',
      },
    ];
  }
  if (url.search || url.hash) {
    return [{ key: 'REPO_URL', message: 'Invalid URL: the repository URL must not have a query (?…) or a fragment (#…).' }];
  }
  return [];
}

function credentialErrors(repository: Configuration): ValidationError[] {
  const hasUser = text(repository, 'USERNAME') !== '';
  const hasPassword = Boolean(repository['PASSWORD']);
  const hasToken = text(repository, 'AUTH_TOKEN') !== '';
  if (!hasUser && !hasPassword && !hasToken) return [];
  if (text(repository, 'REPO_URL').startsWith('file:')) {
    const key = hasUser ? 'USERNAME' : hasPassword ? 'PASSWORD' : 'AUTH_TOKEN';
    return [{ key, message: 'File URLs take no credentials: leave Username, Password and Bearer token empty.' }];
  }
  if (hasToken && (hasUser || hasPassword)) {
    return [{ key: 'AUTH_TOKEN', message: 'Give either a Bearer token (AUTH_TOKEN) or Username and Password, not both: one Authorization header is sent.' }];
  }
  if (hasUser !== hasPassword) return [{ key: hasUser ? 'PASSWORD' : 'USERNAME', message: 'Both Username and password are required.' }];
  return [];
}

/** The plugin's own repository checks; the generic ones (required, unknown keys) come first. */
export async function validateRepository(repository: Configuration): Promise<ValidationError[]> {
  const url = text(repository, 'REPO_URL');
  return [...(url ? urlErrors(url) : []), ...credentialErrors(repository)];
}

const COORDINATE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const ID = /^[A-Za-z0-9_.-]+$/;

function coordinateErrors(pkg: Configuration): ValidationError[] {
  const checks: [string, string, RegExp, string][] = [
    ['GROUP_ID', 'Group id', COORDINATE, 'letters, digits, _ and - in parts separated by single dots, as org.example.tools (no wildcards)'],
    ['ARTIFACT_ID', 'Artifact id', ID, 'letters, digits, _ . and - only, as tools-core (no wildcards)'],
    ['PACKAGING', 'Packaging', ID, 'an extension of letters, digits, _ . and -, as jar or tar.gz'],
    ['CLASSIFIER', 'Classifier', ID, 'letters, digits, _ . and - only, as sources'],
  ];
  return checks
    .filter(([key, , pattern]) => text(pkg, key) !== '' && (!pattern.test(text(pkg, key)) || /^\.|\.\.|\.$/.test(text(pkg, key))))
    .map(([key, name, , wanted]) => ({ key, message: `${name} (${key}) '${text(pkg, key)}' must be ${wanted}` }));
}

function rangeErrors(pkg: Configuration): ValidationError[] {
  const range = optional(pkg, 'VERSION_RANGE');
  const from = optional(pkg, 'POLL_VERSION_FROM');
  const to = optional(pkg, 'POLL_VERSION_TO');
  if (range !== null && (from !== null || to !== null)) {
    const message = 'Give either Version range (VERSION_RANGE) or Poll version from / to (POLL_VERSION_FROM, POLL_VERSION_TO), not both';
    return [
      { key: 'VERSION_RANGE', message },
      ...(from !== null ? [{ key: 'POLL_VERSION_FROM', message }] : []),
      ...(to !== null ? [{ key: 'POLL_VERSION_TO', message }] : []),
    ];
  }
  if (range !== null) {
    try {
      parseVersionRange(range);
    } catch (error) {
      if (!(error instanceof RangeSyntaxError)) throw error;
      return [{ key: 'VERSION_RANGE', message: `Version range (VERSION_RANGE) ${error.message}; write Maven ranges such as [1.0,2.0) or (,1.0],[1.2,)` }];
    }
  }
  if (from !== null && to !== null && compareMavenVersions(parseMavenVersion(from), parseMavenVersion(to)) >= 0) {
    return [{ key: 'POLL_VERSION_TO', message: `Poll version to (POLL_VERSION_TO) '${to}' must be above Poll version from (POLL_VERSION_FROM) '${from}'` }];
  }
  return [];
}

/** The plugin's own package checks: coordinates without wildcards, one well-formed way to bound versions. */
export async function validatePackage(_repository: Configuration, pkg: Configuration): Promise<ValidationError[]> {
  return [...coordinateErrors(pkg), ...rangeErrors(pkg)];
}
