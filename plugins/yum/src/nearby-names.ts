import { literalLead, type PackageSpec } from './spec';

/** How many names a spec that matches nothing is offered. */
export const NEARBY_COUNT = 5;
/** The fewest leading characters a name must share with a spec to be offered (fewer when the spec is shorter). */
const MIN_SHARED = 3;
const WHOLE_NAME_BONUS = 1.5;
/** What may follow a name in a spec. */
const SEPARATORS = new Set(['', '-', '.']);

interface Candidate {
  name: string;
  /**
   * Leading characters shared with the spec, case ignored: the more, the closer. A name the
   * spec starts with, followed by a separator, counts one and a half more: `foo-libs` is closer
   * to `foo-libs-9.9` than `foo-libs-devel` is.
   */
  shared: number;
  /** How much longer or shorter than the spec's text the name is: the less, the closer. */
  gap: number;
}

const closer = (a: Candidate, b: Candidate): number => b.shared - a.shared || a.gap - b.gap || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function sharedLength(a: string, b: string): number {
  const end = Math.min(a.length, b.length);
  let i = 0;
  while (i < end && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  return i;
}

/** The closest names seen for one spec, best first, at most {@link NEARBY_COUNT}. */
class Nearest {
  readonly kept: Candidate[] = [];
  private readonly minShared: number;

  constructor(readonly key: string) {
    this.minShared = Math.min(MIN_SHARED, key.length);
  }

  consider(name: string, lower: string): void {
    const shared = sharedLength(lower, this.key);
    const wholeName = this.startsWithName(shared, lower);
    if (shared < this.minShared && !wholeName) return;
    const candidate = { name, shared: wholeName ? shared + WHOLE_NAME_BONUS : shared, gap: Math.abs(lower.length - this.key.length) };
    const worst = this.kept[NEARBY_COUNT - 1];
    if (worst !== undefined && closer(candidate, worst) >= 0) return;
    if (this.kept.some((kept) => kept.name === name)) return;
    this.kept.push(candidate);
    this.kept.sort(closer);
    if (this.kept.length > NEARBY_COUNT) this.kept.pop();
  }

  /** Whether the spec starts with the whole name and a separator (`ep-0:1.0` and `ep`). */
  private startsWithName(shared: number, lower: string): boolean {
    return shared === lower.length && SEPARATORS.has(this.key.charAt(shared));
  }
}

/**
 * The text a spec's names are compared with: the spec without a leading `epoch:` and from its
 * first glob character on, in lower case (`Foo-Libs` → `foo-libs`, `0:scrt-0.*` → `scrt-0.`).
 */
function keyOf(spec: string): string {
  return literalLead(spec.replace(/^[0-9]+:/, ''));
}

/**
 * Watches every package name of a scan and keeps, for each spec, the names closest to it —
 * those sharing the longest beginning with the spec, case ignored (a name that is a prefix of
 * the spec, or the spec of it, shares all of the shorter) — so that a spec matching nothing can
 * be answered with what the repository does have. Only names starting with a spec's first
 * character are compared with it, so a scan of many names costs little.
 *
 * @example
 * ```ts
 * const nearby = new NearbyNames([parsePackageSpec('Foo-Libz')]);
 * ['foo', 'foo-libs', 'bar'].forEach((name) => nearby.see(name));
 * nearby.of('Foo-Libz'); // ['foo-libs', 'foo']
 * ```
 */
export class NearbyNames {
  private readonly byFirst = new Map<string, Nearest[]>();
  private readonly bySpec = new Map<string, Nearest>();
  /** Package entries seen, whatever their name. */
  packages = 0;

  constructor(specs: readonly PackageSpec[]) {
    for (const spec of specs) {
      const nearest = new Nearest(keyOf(spec.text));
      this.bySpec.set(spec.text, nearest);
      if (nearest.key === '') continue;
      const first = nearest.key.charAt(0);
      this.byFirst.set(first, [...(this.byFirst.get(first) ?? []), nearest]);
    }
  }

  see(name: string): void {
    this.packages += 1;
    const lower = name.toLowerCase();
    const specs = this.byFirst.get(lower[0] ?? '');
    if (specs !== undefined) for (const nearest of specs) nearest.consider(name, lower);
  }

  /** The names closest to `spec`, best first; null when the scan saw no package at all. */
  of(spec: string): string[] | null {
    if (this.packages === 0) return null;
    return this.bySpec.get(spec)?.kept.map((candidate) => candidate.name) ?? [];
  }
}
