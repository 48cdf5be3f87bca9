import type { Configuration, ConfigurationProperty, ValidationError } from '@baton/plugin-api';

export const repositoryProperties: ConfigurationProperty[] = [
  {
    key: 'URL',
    displayName: 'Package list URL',
    displayOrder: 0,
    description: 'http, https or file URL of a JSON document { "packages": { "<name>": [ { "version", "published", … } ] } }',
  },
  { key: 'USERNAME', displayName: 'User name', displayOrder: 1, required: false, partOfIdentity: false },
  { key: 'PASSWORD', displayName: 'Password', displayOrder: 2, required: false, secure: true, partOfIdentity: false },
];

export const packageProperties: ConfigurationProperty[] = [
  { key: 'NAME', displayName: 'Package name', displayOrder: 0, description: 'A key of the document\'s "packages" object.' },
  { key: 'NOTE', displayName: 'Note', displayOrder: 1, required: false, partOfIdentity: false, description: 'Free text for people.' },
];

/** The plugin's own checks; the generic ones (required, unknown keys) come from definePlugin. */
export async function validateRepository(repository: Configuration): Promise<ValidationError[]> {
  const errors: ValidationError[] = [];
  const url = repository['URL']?.trim();
  if (url) errors.push(...urlErrors(url));
  const hasUser = Boolean(repository['USERNAME']?.trim());
  const hasPassword = Boolean(repository['PASSWORD']);
  if (hasUser && !hasPassword) errors.push({ key: 'PASSWORD', message: 'Password (PASSWORD) is required when a user name is given' });
  if (hasPassword && !hasUser) errors.push({ key: 'USERNAME', message: 'User name (USERNAME) is required when a password is given' });
  return errors;
}

export async function validatePackage(_repository: Configuration, pkg: Configuration): Promise<ValidationError[]> {
  const name = pkg['NAME'];
  if (name !== undefined && name.trim() !== '' && name.trim() !== name) {
    return [{ key: 'NAME', message: 'Package name (NAME) must not start or end with spaces' }];
  }
  return [];
}

/** Basic authentication when a user name is configured. */
export function credentials(repository: Configuration): { username: string; password: string } | undefined {
  const username = repository['USERNAME']?.trim();
  return username ? { username, password: repository['PASSWORD'] ?? '' } : undefined;
}

function urlErrors(text: string): ValidationError[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [{ key: 'URL', message: 'Package list URL (URL) must be a URL such as https://repo.example.org/packages.json' }];
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    return [{ key: 'URL', message: `Package list URL (URL) must be an http, https or file URL, not ${url.protocol}` }];
  }
  if (url.username || url.password) {
    return [{ key: 'URL', message: 'Package list URL (URL) must not contain credentials; use USERNAME and PASSWORD' }];
  }
  return [];
}
