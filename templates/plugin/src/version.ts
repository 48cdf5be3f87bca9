/** A version as the index writes it: `1.10.0`, `2.0.0-rc.1`. */
export interface ParsedVersion {
  release: number[];
  /** The part after `-`, or null for a release. */
  prerelease: string | null;
}

const VERSION = /^(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?$/;

/**
 * Reads a version, or null when it is not one (such entries are skipped, not fatal).
 *
 * @example
 * ```ts
 * parseVersion('2.0.0-rc.1'); // { release: [2, 0, 0], prerelease: 'rc.1' }
 * ```
 */
export function parseVersion(text: string): ParsedVersion | null {
  const match = VERSION.exec(text);
  if (match === null) return null;
  return { release: match[1].split('.').map(Number), prerelease: match[2] ?? null };
}

/**
 * Orders versions: release numbers numerically (`1.10.0` after `1.9.2`, missing parts count as
 * 0), then a pre-release before its release; pre-releases of one release by text.
 *
 * @example
 * ```ts
 * compareVersions(parseVersion('1.10.0')!, parseVersion('1.9.2')!); // > 0
 * ```
 */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    const difference = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === null) return 1;
  if (b.prerelease === null) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}
