import { readFileSync } from 'node:fs';
import { PrimaryScanner, type PackageRecord } from '../src/parse-primary';
import { NearbyNames } from '../src/nearby-names';
import { compileEvrField, compileGlob, nameFilter, parsePackageSpec, readingMatches, readingMayMatchName, type FieldReading, type Nevra } from '../src/spec';
import { SpecResolver, revisionLabel, type SpecOutcome } from '../src/spec-resolver';
import { fixturePath, fixturePrimaryXml } from './support/repositories';

/** The readings of the first step: the forms dnf knows, case kept. */
function readingsOf(spec: string): string[] {
  const forms = parsePackageSpec(spec).readings.filter((r): r is FieldReading => r.form !== 'glob' && !r.caseless);
  return forms.map((r) => {
    const fields = { n: r.name, e: r.epoch, v: r.version, r: r.release, a: r.arch };
    const shown = Object.entries(fields)
      .filter(([, glob]) => glob !== undefined)
      .map(([k, glob]) => `${k}=${glob?.text}`);
    return `${r.form}(${shown.join(' ')})`;
  });
}

describe('parsePackageSpec', () => {
  it.each([
    ['scrt', ['name(n=scrt)']],
    ['scrt.x86_64', ['na(n=scrt a=x86_64)', 'name(n=scrt.x86_64)']],
    ['scrt-0.3.3', ['na(n=scrt-0.3 a=3)', 'name(n=scrt-0.3.3)', 'nev(n=scrt v=0.3.3)']],
    ['scrt-0.3.3-1', ['na(n=scrt-0.3 a=3-1)', 'name(n=scrt-0.3.3-1)', 'nevr(n=scrt v=0.3.3 r=1)', 'nev(n=scrt-0.3.3 v=1)']],
    [
      'scrt-0.3.3-1.x86_64',
      [
        'nevra(n=scrt v=0.3.3 r=1 a=x86_64)',
        'na(n=scrt-0.3.3-1 a=x86_64)',
        'name(n=scrt-0.3.3-1.x86_64)',
        'nevr(n=scrt v=0.3.3 r=1.x86_64)',
        'nev(n=scrt-0.3.3 v=1.x86_64)',
      ],
    ],
    ['scrt-0:0.3.3-1.x86_64', ['nevra(n=scrt e=0 v=0.3.3 r=1 a=x86_64)', 'nevr(n=scrt e=0 v=0.3.3 r=1.x86_64)']],
    ['0:scrt-0.3.3-1.x86_64', ['nevra(n=scrt e=0 v=0.3.3 r=1 a=x86_64)', 'nevr(n=scrt e=0 v=0.3.3 r=1.x86_64)', 'nev(n=scrt-0.3.3 e=0 v=1.x86_64)']],
    [
      'python3-foo-bar-1.4.0-1.el9',
      [
        'nevra(n=python3-foo-bar v=1.4.0 r=1 a=el9)',
        'na(n=python3-foo-bar-1.4.0-1 a=el9)',
        'name(n=python3-foo-bar-1.4.0-1.el9)',
        'nevr(n=python3-foo-bar v=1.4.0 r=1.el9)',
        'nev(n=python3-foo-bar-1.4.0 v=1.el9)',
      ],
    ],
    ['s?rt-*.x86_64', ['na(n=s?rt-* a=x86_64)', 'name(n=s?rt-*.x86_64)', 'nev(n=s?rt v=*.x86_64)']],
  ])('%s reads as %j', (spec, expected) => {
    const readings = readingsOf(spec);

    expect(readings).toEqual(expected);
  });
});

describe('the steps of a spec', () => {
  it('tries the forms, then the whole spec as a glob, then both with names compared without regard to case', () => {
    const steps = parsePackageSpec('scrt.x86_64').readings.map((r) => `${r.form}${r.caseless ? ' caseless' : ''}`);

    expect(steps).toEqual(['na', 'name', 'glob', 'na caseless', 'name caseless', 'glob caseless']);
  });

  it('compares only the name without regard to case in a caseless form; the arch keeps its case', () => {
    const pkg: Nevra = { name: 'arc', epoch: '0', version: '2.0', release: '1', arch: 'i686' };
    const caseless = (spec: string): boolean => parsePackageSpec(spec).readings.some((r) => r.caseless && r.form !== 'glob' && readingMatches(r, pkg));

    expect([caseless('ARC.i686'), caseless('arc.I686')]).toEqual([true, false]);
  });
});

describe('compileEvrField', () => {
  it.each([
    ['1.10', '1.010', true],
    ['1.10', '1.1', false],
    ['1.0', '1_0', true],
    ['1.0~rc1', '1.0~rc1', true],
    ['1.0~rc1', '1.0', false],
    ['1.*', '1.010', true],
    ['1.0*', '1.10', false],
  ])('%s against %s is %s', (pattern, value, expected) => {
    const matches = compileEvrField(pattern).test(value);

    expect(matches).toBe(expected);
  });
});

describe('compileGlob', () => {
  it.each([
    ['scrt', 'scrt', true],
    ['scrt', 'scrt2', false],
    ['scrt*', 'scrt-agent', true],
    ['*agent', 'scrt-agent', true],
    ['s?rt', 'scrt', true],
    ['s?rt', 'srt', false],
    ['lib.so', 'libxso', false],
    ['c++*', 'c++-devel', true],
    ['a[b]', 'a[b]', true],
  ])('%s against %s is %s', (glob, value, expected) => {
    const matches = compileGlob(glob).test(value);

    expect(matches).toBe(expected);
  });
});

describe('readingMatches', () => {
  const pkg: Nevra = { name: 'scrt', epoch: '0', version: '0.3.3', release: '1', arch: 'x86_64' };

  it.each([
    ['scrt-0.3.3-1.x86_64', true],
    ['scrt-0:0.3.3-1.x86_64', true],
    ['0:scrt-0.3.3-1.x86_64', true],
    ['1:scrt-0.3.3-1.x86_64', false],
    ['scrt-0.3.*-1.x86_64', true],
    ['scrt-0.3.3-1.i386', false],
  ])('the NEVRA reading of %s matches scrt-0.3.3-1.x86_64: %s', (spec, expected) => {
    const [nevra] = parsePackageSpec(spec).readings;

    const matches = nevra !== undefined && readingMatches(nevra, pkg);

    expect(matches).toBe(expected);
  });
});

describe('nameFilter', () => {
  it('wants every name some reading could match, and no other', () => {
    const wanted = nameFilter(['scrt-0.3.3-1.x86_64', 'python3-*'].map(parsePackageSpec));

    const answers = ['scrt', 'scrt-0.3.3', 'python3-foo', 'moosync'].map(wanted);

    expect(answers).toEqual([true, true, true, false]);
  });

  it.each([
    ['EP', 'ep', true],
    ['Foo-Libs', 'foo-libs', true],
    ['arc-*.i686', 'arc', true],
    ['arc-*.i686', 'arc-devel', true],
    ['arc-*.i686', 'arch', false],
    ['many-*.el9*', 'many', true],
    ['many-*.el9*', 'manx', false],
    ['bash', 'bash-completion', false],
    ['ep-1:1.*.x86_64', 'ep', true],
    ['*-1:1.0-1', 'anything', true],
  ])('for %s wants %s: %s (whole-spec globs and case folding widen the test)', (spec, name, expected) => {
    const wanted = nameFilter([parsePackageSpec(spec)]);

    expect(wanted(name)).toBe(expected);
  });

  it('wants every name a reading may match, for each reading of several specs', () => {
    const specs = ['arc-*.i686', 'EP', 'lz-1.10'].map(parsePackageSpec);
    const names = ['arc', 'Arc', 'ep', 'EP', 'lz', 'Lz', 'arc-devel', 'epel', 'lzma', 'other'];
    const wanted = nameFilter(specs);

    const missed = names.filter((name) => !wanted(name) && specs.some((spec) => spec.readings.some((r) => readingMayMatchName(r, name))));

    expect(missed).toEqual([]);
    expect(names.filter(wanted)).toEqual(['arc', 'Arc', 'ep', 'EP', 'lz', 'Lz', 'arc-devel']);
  });
});

describe('NearbyNames', () => {
  const names = ['foo', 'foo-libs', 'foo-libs-devel', 'Foo-tools', 'food', 'bar', 'fo', 'foo-libs'];

  it.each([
    ['Foo-Libz', ['foo-libs', 'foo-libs-devel', 'foo', 'Foo-tools', 'food']],
    ['foo-libs-9.9', ['foo-libs', 'foo-libs-devel', 'foo', 'Foo-tools', 'food']],
    ['2:ba', ['bar']],
    ['bar*', ['bar']],
    ['baz*', []],
    ['*.x86_64', []],
    ['qux', []],
  ])('offers %s the names %j, closest first, each once', (spec, expected) => {
    const nearby = new NearbyNames([parsePackageSpec(spec)]);

    names.forEach((name) => nearby.see(name));

    expect(nearby.of(spec)).toEqual(expected);
  });

  it('offers nothing, rather than no names, when the repository has no packages', () => {
    const nearby = new NearbyNames([parsePackageSpec('foo')]);

    expect(nearby.of('foo')).toBeNull();
  });
});

function recordsOf(xml: Buffer): PackageRecord[] {
  const records: PackageRecord[] = [];
  const scanner = new PrimaryScanner({
    baseUrl: 'https://repo.example.org/',
    wanted: () => true,
    onPackage: (p) => records.push(p),
    onSkipped: () => undefined,
    maxEntryBytes: 16 << 20,
  });
  scanner.push(xml);
  scanner.finish();
  return records;
}

function resolve(spec: string, records: PackageRecord[]): SpecOutcome {
  const resolver = new SpecResolver(parsePackageSpec(spec));
  records.forEach((record) => resolver.offer(record));
  return resolver.outcome();
}

const label = (outcome: SpecOutcome): string => (outcome.kind === 'found' ? revisionLabel(outcome.pkg) : outcome.kind);

describe('SpecResolver on scrt-yum (five arches, two armhf builds per version)', () => {
  const records = recordsOf(fixturePrimaryXml('scrt-yum'));

  it.each([
    ['scrt.x86_64', 'scrt-0.3.3-1.x86_64'],
    ['scrt-0.3.3-1.x86_64', 'scrt-0.3.3-1.x86_64'],
    ['scrt-0:0.3.3-1.aarch64', 'scrt-0.3.3-1.aarch64'],
    ['0:scrt-0.2.0-1.i386', 'scrt-0.2.0-1.i386'],
    ['scrt-0.1.*-1.x86_64', 'scrt-0.1.1-1.x86_64'],
    ['scrt-0.1.*.x86_64', 'scrt-0.1.1-1.x86_64'],
    ['s?rt.armv7hl', 'scrt-0.3.3-1.armv7hl'],
    ['*.i386', 'scrt-0.3.3-1.i386'],
    ['scrt-0.3.3-1.armhf', 'none'],
    ['nothing', 'none'],
    ['scrt.s390x', 'none'],
  ])('%s finds %s', (spec, expected) => {
    const outcome = resolve(spec, records);

    expect(label(outcome)).toBe(expected);
  });

  it.each([
    ['scrt', 6],
    ['scrt-0.3.3', 5],
    ['scrt.arm*', 3],
  ])('%s is ambiguous: it matches %i (name, arch) pairs', (spec, count) => {
    const outcome = resolve(spec, records);

    expect(outcome).toMatchObject({ kind: 'ambiguous', count });
  });

  it('finds that scrt.armhf stands for two files at its latest version', () => {
    const outcome = resolve('scrt.armhf', records);

    expect(outcome).toMatchObject({ kind: 'conflict', label: 'scrt-0.3.2-1.armhf' });
    expect(outcome.kind === 'conflict' && outcome.files.map((f) => f.split(' ')[0])).toEqual([
      'https://repo.example.org/main/scrt_0.3.2_linux_armv6.rpm',
      'https://repo.example.org/main/scrt_0.3.2_linux_armv7.rpm',
    ]);
  });
});

describe('SpecResolver follows dnf: the first form that matches wins', () => {
  const records = recordsOf(readFileSync(fixturePath('edge-cases', 'repodata', 'primary.xml')));

  it.each([
    ['foo-2.0', 'foo-2.0-1-1.x86_64', 'a package named foo-2.0 before foo at version 2.0'],
    ['foo-2.0-1', 'foo-2.0-1.x86_64', 'NEVR before NEV'],
    ['foo.x86_64', 'foo-2.0^git1-1.x86_64', 'the highest EVR, not the newest build'],
    ['python3-foo-bar.noarch', 'python3-foo-bar-2:1.4.0~rc1-3.el9.noarch', 'the epoch in the label'],
    ['python3-foo-bar-2:1.4.0-1.el9.x86_64', 'python3-foo-bar-2:1.4.0-1.el9.x86_64', 'a name with dashes and an epoch'],
    ['python3-foo-bar-1.4.0~rc1', 'python3-foo-bar-2:1.4.0~rc1-3.el9.noarch', 'name-version with a dashed name'],
  ])('%s finds %s (%s)', (spec, expected) => {
    const outcome = resolve(spec, records);

    expect(label(outcome)).toBe(expected);
  });

  it('calls a dashed name with two arches ambiguous', () => {
    const outcome = resolve('python3-foo-bar', records);

    expect(outcome).toMatchObject({ kind: 'ambiguous', groups: ['python3-foo-bar.noarch', 'python3-foo-bar.x86_64'], count: 2 });
  });
});
