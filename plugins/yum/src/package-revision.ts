import { PermanentError, type PackageRevision, type RevisionResult } from '@baton/plugin-api';
import type { PackageRecord } from './parse-package-record';
import { revisionLabel, type SpecOutcome } from './spec-resolver';
import { compareEvr, type Evr } from './version';

/**
 * The revision Baton records for a package: label `name-[epoch:]version-release.arch`, build time,
 * packager, summary, the project's URL, and the rpm's facts as data.
 *
 * @example
 * ```ts
 * toRevision(record).data?.LOCATION; // 'https://repo.example.org/el9/main/scrt_0.3.3_linux_x86_64.rpm'
 * ```
 */
export function toRevision(pkg: PackageRecord): PackageRevision {
  return {
    revision: revisionLabel(pkg),
    timestamp: new Date((pkg.buildTime || pkg.fileTime) * 1000),
    ...(pkg.packager && { user: pkg.packager }),
    ...(pkg.summary && { comment: pkg.summary }),
    ...(pkg.url && { trackbackUrl: pkg.url }),
    data: {
      LOCATION: pkg.location,
      CHECKSUM: pkg.checksum ? `${pkg.checksumType}:${pkg.checksum}` : '',
      EPOCH: pkg.epoch,
      VERSION: pkg.version,
      RELEASE: pkg.release,
      ARCH: pkg.arch,
      BUILD_TIME: String(pkg.buildTime),
      SIZE: String(pkg.size),
      SOURCE_RPM: pkg.sourceRpm,
    },
  };
}

function outcomeError(spec: string, outcome: Extract<SpecOutcome, { kind: 'ambiguous' | 'conflict' }>): PermanentError {
  if (outcome.kind === 'ambiguous') {
    const more = outcome.count > outcome.groups.length ? ` and ${outcome.count - outcome.groups.length} more` : '';
    const caseless = outcome.caseless ? ' when case is ignored' : '';
    return new PermanentError(
      'ambiguous_spec',
      `Package spec '${spec}' matches more than one package (name.arch)${caseless}: ${outcome.groups.join(', ')}${more}; ` +
        `make it name one of them, for example '${outcome.groups[0]}'`,
    );
  }
  return new PermanentError(
    'ambiguous_package',
    `Package spec '${spec}': its latest package ${outcome.label} stands for ${outcome.files.length} different files: ` +
      `${outcome.files.join(', ')}; which one is meant cannot be told`,
  );
}

/**
 * The answer to "what is the latest revision": the package found, `null` for no match, or a
 * `PermanentError` for a spec that names several packages or files.
 *
 * @example
 * ```ts
 * latestResult('scrt.x86_64', outcome).revision?.revision; // 'scrt-0.3.3-1.x86_64'
 * ```
 */
export function latestResult(spec: string, outcome: SpecOutcome): RevisionResult {
  if (outcome.kind === 'none') return withWarnings(null, noMatchWarnings(spec, outcome));
  if (outcome.kind !== 'found') throw outcomeError(spec, outcome);
  const warnings = outcome.caseless ? [...outcome.skipped, caselessWarning(spec, outcome.pkg.name)] : outcome.skipped;
  return withWarnings(toRevision(outcome.pkg), warnings);
}

function caselessWarning(spec: string, name: string): string {
  return `Package spec '${spec}' matches '${name}' only when case is ignored; write the name as the repository does to silence this warning`;
}

/**
 * Why a spec found nothing, for a repository that has packages: the spec and the closest names
 * it has. An empty repository gives no warning: its package may simply not be published yet.
 *
 * @example
 * ```ts
 * noMatchMessage('Foo-Libz', ['foo-libs']); // "no package matches 'Foo-Libz' in this repository; the closest names are: foo-libs"
 * ```
 */
export function noMatchMessage(spec: string, nearby: readonly string[]): string {
  return `no package matches '${spec}' in this repository; ${closestNames(nearby)}`;
}

/**
 * The closest names, said in a sentence.
 *
 * @example
 * ```ts
 * closestNames(['foo-libs', 'foo']); // 'the closest names are: foo-libs, foo'
 * ```
 */
export function closestNames(nearby: readonly string[]): string {
  return nearby.length > 0 ? `the closest names are: ${nearby.join(', ')}` : 'no name in it comes close';
}

function noMatchWarnings(spec: string, outcome: Extract<SpecOutcome, { kind: 'none' }>): string[] {
  return outcome.nearby === null ? outcome.skipped : [...outcome.skipped, noMatchMessage(spec, outcome.nearby)];
}

/** The previous revision's EVR, from its data when recorded there, else from its label. */
function previousEvr(previous: PackageRevision): Evr | null {
  const data = previous.data ?? {};
  if (data['VERSION']) return { epoch: data['EPOCH'] ?? '0', version: data['VERSION'], release: data['RELEASE'] ?? '' };
  const label = /^.+-(?:(\d+):)?([^-]+)-([^-]+)\.[^.]+$/.exec(previous.revision);
  return label ? { epoch: label[1] ?? '0', version: label[2], release: label[3] } : null;
}

/**
 * The answer to "is there a revision newer than `previous`": only a higher EVR is new. The same
 * label with another checksum is a republished package: a warning, not a revision. A lower
 * latest (a package removed) is nothing new.
 *
 * @example
 * ```ts
 * newerResult('scrt.x86_64', outcome, previous); // { revision: null } when nothing is newer
 * ```
 */
export function newerResult(spec: string, outcome: SpecOutcome, previous: PackageRevision): RevisionResult {
  const latest = latestResult(spec, outcome);
  const warnings = latest.warnings ?? [];
  if (outcome.kind !== 'found' || latest.revision === null) return withWarnings(null, warnings);
  const current = latest.revision;
  const before = previousEvr(previous);
  const newer = before === null ? current.revision !== previous.revision : compareEvr(outcome.pkg, before) > 0;
  if (newer) return withWarnings(current, warnings);
  if (current.revision === previous.revision && isRepublished(current, previous)) {
    const change = `${previous.data?.['CHECKSUM']} before, ${current.data?.['CHECKSUM']} now`;
    return withWarnings(null, [...warnings, `${current.revision} was republished with different content (${change})`]);
  }
  return withWarnings(null, warnings);
}

function withWarnings(revision: PackageRevision | null, warnings: string[]): RevisionResult {
  return warnings.length > 0 ? { revision, warnings } : { revision };
}

function isRepublished(current: PackageRevision, previous: PackageRevision): boolean {
  const before = previous.data?.['CHECKSUM'];
  const now = current.data?.['CHECKSUM'];
  return Boolean(before && now && before !== now);
}
