import { createHash } from 'node:crypto';
import type { ResolvedProperty } from '@baton/plugin-api';

/**
 * A package's identity: SHA-256 over the plugin id and the part-of-identity values of its
 * repository and of itself (keys sorted, defaults applied). Credentials and other non-identity
 * values are left out, so history survives their change.
 */
export function packageFingerprint(
  pluginId: string,
  repository: { properties: readonly ResolvedProperty[]; values: Readonly<Record<string, string>> },
  pkg: { properties: readonly ResolvedProperty[]; values: Readonly<Record<string, string>> },
): string {
  const canonical = JSON.stringify([pluginId, identityValues(repository.properties, repository.values), identityValues(pkg.properties, pkg.values)]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function identityValues(properties: readonly ResolvedProperty[], values: Readonly<Record<string, string>>): [string, string][] {
  return properties
    .filter((p) => p.partOfIdentity && !p.secure)
    .map((p): [string, string] => [p.key, values[p.key] ?? p.defaultValue ?? ''])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
