/** One version of a made-up packument. */
export interface MadeUpVersion {
  version: string;
  time?: string;
  deprecated?: string;
  /** Extra manifest fields. */
  manifest?: Record<string, unknown>;
}

const integrityOf = (version: string): string => `sha512-${Buffer.from(`made-up ${version}`.padEnd(64, '.')).toString('base64')}`;

/**
 * A full packument as a registry serves it, made up for a test: each version with a tarball on
 * registry.example.org, an integrity and a shasum; `time` from the versions that give one.
 */
export function madeUpPackument(name: string, versions: MadeUpVersion[], distTags: Record<string, string>, extra: Record<string, unknown> = {}): object {
  const manifests: Record<string, unknown> = {};
  const time: Record<string, string> = {};
  for (const v of versions) {
    const file = `${name.split('/').pop()}-${v.version}.tgz`;
    manifests[v.version] = {
      name,
      version: v.version,
      description: `${name} at ${v.version}`,
      _npmUser: { name: 'publisher', email: 'publisher@example.org' },
      dist: { tarball: `https://registry.example.org/${name}/-/${file}`, integrity: integrityOf(v.version), shasum: 'a'.repeat(40) },
      ...(v.deprecated !== undefined && { deprecated: v.deprecated }),
      ...v.manifest,
    };
    if (v.time !== undefined) time[v.version] = v.time;
  }
  return { name, 'dist-tags': distTags, versions: manifests, ...(Object.keys(time).length > 0 && { time }), ...extra };
}

/** Versions published a day apart from 2026-01-01, in the order given. */
export function daily(...versions: string[]): MadeUpVersion[] {
  return versions.map((version, i) => ({ version, time: new Date(Date.UTC(2026, 0, 1 + i)).toISOString() }));
}
