import type { PackageRecord } from './parse-package-record';
import { readingMatches, readingMayMatchName, type PackageSpec, type SpecReading } from './spec';
import { compareEvr } from './version';

/** What a spec comes to in one primary.xml; small enough to keep in the repository's store. */
export type SpecOutcome =
  /**
   * Nothing matched. `nearby`: up to five names close to the spec, or null when the
   * repository has no packages at all.
   */
  | { kind: 'none'; skipped: string[]; nearby: string[] | null }
  | ({ kind: 'found'; pkg: PackageRecord } & Matched)
  /** More than one (name, arch): the first ones, binary packages before source ones, and how many there are. */
  | ({ kind: 'ambiguous'; groups: string[]; count: number } & Matched)
  /** The winning name-epoch-version-release-arch stands for several different files. */
  | ({ kind: 'conflict'; label: string; files: string[] } & Matched);

/** What every outcome that matched something carries. */
interface Matched {
  skipped: string[];
  /** Matched only when names were compared without regard to case. */
  caseless?: true;
}

const LISTED_GROUPS = 20;
const LISTED_SKIPPED = 5;

const groupOf = (pkg: PackageRecord): string => `${pkg.name}.${pkg.arch}`;
const SOURCE_ARCHES = new Set(['src', 'nosrc']);
const isSourceGroup = (group: string): boolean => SOURCE_ARCHES.has(group.slice(group.lastIndexOf('.') + 1));

/** Groups in name order, binary packages first: a spec is meant for a binary far more often than for its source. */
function binaryFirst(groups: Iterable<string>): string[] {
  const sorted = [...groups].sort();
  return [...sorted.filter((group) => !isSourceGroup(group)), ...sorted.filter(isSourceGroup)];
}
const fileOf = (pkg: PackageRecord): string => (pkg.checksum ? `${pkg.checksumType}:${pkg.checksum}` : pkg.location);

/** The packages one reading matched: their (name, arch) groups, and the best ones while there is one group. */
class ReadingTally {
  readonly groups = new Set<string>();
  private best: PackageRecord[] = [];

  constructor(readonly reading: SpecReading) {}

  offer(pkg: PackageRecord): void {
    this.groups.add(groupOf(pkg));
    // With two groups the answer is "ambiguous" whatever else comes: stop keeping packages.
    if (this.groups.size > 1) {
      this.best = [];
      return;
    }
    const order = this.best[0] === undefined ? 1 : compareEvr(pkg, this.best[0]);
    if (order > 0) this.best = [pkg];
    else if (order === 0 && !this.best.some((kept) => fileOf(kept) === fileOf(pkg))) this.best.push(pkg);
  }

  /** The outcome of a reading that matched something. */
  outcome(skipped: string[]): SpecOutcome {
    const matched: Matched = { skipped, ...(this.reading.caseless && { caseless: true as const }) };
    const [winner] = this.best;
    if (this.groups.size > 1 || winner === undefined) {
      const groups = binaryFirst(this.groups).slice(0, LISTED_GROUPS);
      return { kind: 'ambiguous', groups, count: this.groups.size, ...matched };
    }
    if (this.best.length === 1) return { kind: 'found', pkg: winner, ...matched };
    const files = this.best.map((pkg) => `${pkg.location} (${fileOf(pkg)})`);
    return { kind: 'conflict', label: revisionLabel(winner), files, ...matched };
  }
}

/**
 * The label of a package revision: `name-version-release.arch`, with `epoch:` before the version
 * when the epoch is not 0.
 *
 * @example
 * ```ts
 * revisionLabel({ name: 'scrt', epoch: '0', version: '0.3.3', release: '1', arch: 'x86_64' }); // 'scrt-0.3.3-1.x86_64'
 * ```
 */
export function revisionLabel(pkg: { name: string; epoch: string; version: string; release: string; arch: string }): string {
  const epoch = pkg.epoch && pkg.epoch !== '0' ? `${pkg.epoch}:` : '';
  const release = pkg.release ? `-${pkg.release}` : '';
  return `${pkg.name}-${epoch}${pkg.version}${release}.${pkg.arch}`;
}

/**
 * Follows one spec through a scan: every package offered is checked against each reading of the
 * spec; the outcome comes from the first reading that matched anything, as dnf decides. When
 * none did, `nearby` names the closest names the repository has.
 *
 * @example
 * ```ts
 * const resolver = new SpecResolver(parsePackageSpec('scrt.x86_64'));
 * packages.forEach((p) => resolver.offer(p));
 * resolver.outcome(); // { kind: 'found', pkg: … }
 * ```
 */
export class SpecResolver {
  private readonly tallies: ReadingTally[];
  private readonly skipped: string[] = [];

  constructor(readonly spec: PackageSpec) {
    this.tallies = spec.readings.map((reading) => new ReadingTally(reading));
  }

  offer(pkg: PackageRecord): void {
    for (const tally of this.tallies) {
      if (readingMatches(tally.reading, pkg)) tally.offer(pkg);
    }
  }

  /** An entry whose name some reading may match was unusable: worth a warning on this package. */
  offerSkipped(name: string, reason: string): void {
    if (this.skipped.length >= LISTED_SKIPPED) return;
    if (this.spec.readings.some((reading) => readingMayMatchName(reading, name))) this.skipped.push(reason);
  }

  outcome(nearby: string[] | null = null): SpecOutcome {
    const first = this.tallies.find((tally) => tally.groups.size > 0);
    return first ? first.outcome([...this.skipped]) : { kind: 'none', skipped: [...this.skipped], nearby };
  }
}
