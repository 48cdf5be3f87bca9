import semver from 'semver';
import type { PackageQuery } from './config';
import type { Packument, VersionRecord } from './parse-packument';

/** The version a package question lands on, or none, with what the package's owner should hear. */
export interface Choice {
  record: VersionRecord | null;
  warnings: string[];
}

/**
 * Whether a version satisfies a range by node-semver's rules: a pre-release only when the range
 * names a pre-release of the same major.minor.patch, or when pre-releases are included.
 *
 * @example
 * ```ts
 * inRange('1.2.3-beta', '^1.2.3', false); // false
 * inRange('1.2.4-beta', '^1.2.4-alpha', false); // true
 * inRange('1.0.0-rc1', '*', true); // true
 * ```
 */
export function inRange(version: string, range: string, includePrerelease: boolean): boolean {
  return semver.satisfies(version, range, { includePrerelease });
}

/**
 * The highest version satisfying the query's range, deprecated ones left out unless included.
 *
 * @example
 * ```ts
 * highestInRange(packument, { name: 'left-pad', range: '^1', distTag: null, includePrerelease: false, includeDeprecated: false })?.version; // '1.3.0'
 * ```
 */
export function highestInRange(packument: Packument, query: PackageQuery): VersionRecord | null {
  const range = new semver.Range(query.range, { includePrerelease: query.includePrerelease });
  let best: { record: VersionRecord; version: semver.SemVer } | null = null;
  // Newest last, as registries list them: walked backwards, the best is met early, and the many
  // versions whose major.minor.patch is below it are passed over without being parsed.
  const { versions } = packument;
  for (let i = versions.length - 1; i >= 0; i -= 1) {
    const record = versions[i];
    if ((record.deprecated !== undefined && !query.includeDeprecated) || (best !== null && coreBelow(record.version, best.version))) continue;
    const version = new semver.SemVer(record.version);
    // `>=`: of versions equal by semver (`1.0.0+a`, `1.0.0+b`), the first listed, as a forward walk would keep.
    if (range.test(version) && (best === null || version.compare(best.version) >= 0)) best = { record, version };
  }
  return best?.record ?? null;
}

/** A version's major, minor and patch, as a valid version (trimmed, `v` allowed) begins with them. */
const CORE = /^\s*v?(\d+)\.(\d+)\.(\d+)/;

/** Whether `version`'s major.minor.patch is below `best`'s: then so is the version, whatever its pre-release. */
function coreBelow(version: string, best: semver.SemVer): boolean {
  const core = CORE.exec(version);
  if (core === null) return false;
  return (Number(core[1]) - best.major || Number(core[2]) - best.minor || Number(core[3]) - best.patch) < 0;
}

function tagProblem(record: VersionRecord, query: PackageQuery, tag: string): string | null {
  const where = `dist-tag '${tag}' of ${query.name} points at ${record.version}`;
  if (!inRange(record.version, query.range, query.includePrerelease)) {
    if (semver.prerelease(record.version) !== null && inRange(record.version, query.range, true)) {
      return `${where}, a pre-release, and INCLUDE_PRERELEASE is false: no revision`;
    }
    return `${where}, outside the range ${query.range}: no revision`;
  }
  if (record.deprecated !== undefined && !query.includeDeprecated) return `${where}, which is deprecated, and INCLUDE_DEPRECATED is false: no revision`;
  return null;
}

/**
 * The version the query's dist-tag points at, when it satisfies the range (and the pre-release and
 * deprecation rules); otherwise none, with a warning that says why.
 *
 * @example
 * ```ts
 * taggedVersion(packument, { ...query, distTag: 'next' }).warnings; // ["dist-tag 'next' of tool points at 3.0.0, outside the range ^2: no revision"]
 * ```
 */
export function taggedVersion(packument: Packument, query: PackageQuery, tag: string): Choice {
  const target = packument.distTags[tag];
  if (target === undefined) {
    const tags = Object.keys(packument.distTags).sort().join(', ') || 'none';
    return { record: null, warnings: [`${query.name} has no dist-tag '${tag}' (its tags: ${tags})`] };
  }
  const record = packument.versions.find((candidate) => candidate.version === target);
  if (record === undefined)
    return { record: null, warnings: [`dist-tag '${tag}' of ${query.name} points at ${target}, which the packument does not list as a version`] };
  const problem = tagProblem(record, query, tag);
  return problem === null ? { record, warnings: [] } : { record: null, warnings: [problem] };
}

/**
 * The version a package question lands on: the dist-tag's when one is configured, else the
 * highest in range.
 *
 * @example
 * ```ts
 * chosenVersion(packument, query).record?.version; // '1.3.0'
 * ```
 */
export function chosenVersion(packument: Packument, query: PackageQuery): Choice {
  const key = JSON.stringify([query.name, query.range, query.distTag, query.includePrerelease, query.includeDeprecated]);
  const known = choices.get(packument);
  const found = known?.get(key);
  if (found !== undefined) return found;
  const choice = choose(packument, query);
  if (known === undefined) choices.set(packument, new Map([[key, choice]]));
  else known.set(key, choice);
  return choice;
}

/**
 * The choices made of each packument the worker holds, by question: an unchanged packument (the
 * same object, kept between polls) answers the same question the same way, so the walk over its
 * versions is made once. They go with the packument.
 */
const choices = new WeakMap<Packument, Map<string, Choice>>();

function choose(packument: Packument, query: PackageQuery): Choice {
  if (query.distTag !== null) return taggedVersion(packument, query, query.distTag);
  const record = highestInRange(packument, query);
  if (record !== null || query.includeDeprecated) return { record, warnings: [] };
  const deprecated = highestInRange(packument, { ...query, includeDeprecated: true });
  if (deprecated === null) return { record, warnings: [] };
  return {
    record,
    warnings: [
      `every version of ${query.name} in the range ${query.range} is deprecated (the highest: ${deprecated.version}), and INCLUDE_DEPRECATED is false`,
    ],
  };
}

/**
 * Whether `version` comes after `previous` by semver; a previous label that is no semver version
 * (recorded by something else) counts as older than any version.
 *
 * @example
 * ```ts
 * isNewer('1.10.0', '1.9.2'); // true
 * ```
 */
export function isNewer(version: string, previous: string): boolean {
  return semver.valid(previous) === null || semver.gt(version, previous);
}
