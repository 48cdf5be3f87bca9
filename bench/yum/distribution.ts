import { Random } from '../polling/random';
import { rpmEntry, type Binary, type Build, type Family, type RpmEntry } from './rpm-entry';
import { stem } from './vocabulary';

/** A package the benchmark asks for, and the revision Baton must answer for it. */
export interface WatchedPackage {
  spec: string;
  expected: string;
}

/** Packages with known names and versions, spread through the file; the last one sits near its end. */
const ANCHORS: { name: string; epoch: string; arches: string[]; builds: [string, string][] }[] = [
  {
    name: 'bash',
    epoch: '0',
    arches: ['x86_64'],
    builds: [
      ['5.2.26', '1.fc40'],
      ['5.2.26', '3.fc40'],
    ],
  },
  {
    name: 'kernel-core',
    epoch: '0',
    arches: ['x86_64'],
    builds: [
      ['6.8.5', '301.fc40'],
      ['6.10.3', '200.fc40'],
      ['6.9.12', '200.fc40'],
    ],
  },
  { name: 'glibc', epoch: '0', arches: ['x86_64', 'i686'], builds: [['2.39', '17.fc40']] },
  {
    name: 'openssl-libs',
    epoch: '1',
    arches: ['x86_64', 'i686'],
    builds: [
      ['3.2.2', '3.fc40'],
      ['3.2.1', '2.fc40'],
    ],
  },
  { name: 'python3-requests', epoch: '0', arches: ['noarch'], builds: [['2.31.0', '3.fc40']] },
];

/** Specs of the anchors in several of the forms dnf accepts, one with a glob in the version, one a glob of the whole spec. */
export const WATCHED: WatchedPackage[] = [
  { spec: 'bash', expected: 'bash-5.2.26-3.fc40.x86_64' },
  { spec: 'kernel-core-6.*', expected: 'kernel-core-6.10.3-200.fc40.x86_64' },
  { spec: 'glibc.x86_64', expected: 'glibc-2.39-17.fc40.x86_64' },
  { spec: 'openssl-libs-1:3.2.2-3.fc40.x86_64', expected: 'openssl-libs-1:3.2.2-3.fc40.x86_64' },
  { spec: 'python3-requests', expected: 'python3-requests-2.31.0-3.fc40.noarch' },
  { spec: 'openssl-libs-*.fc40.i686', expected: 'openssl-libs-1:3.2.2-3.fc40.i686' },
];

/** Shares of source packages by family, roughly those of a large distribution. */
const FAMILIES: [Family, number][] = [
  ['plain', 0.4],
  ['lib', 0.08],
  ['python', 0.12],
  ['perl', 0.09],
  ['golang', 0.07],
  ['rust', 0.09],
  ['texlive', 0.08],
  ['ghc', 0.04],
  ['nodejs', 0.03],
];
const NOARCH: ReadonlySet<Family> = new Set(['python', 'perl', 'golang', 'rust', 'texlive', 'nodejs']);
const SEED = 20260401;
const BUILD_TIME = 1_712_000_000;

/**
 * The packages of a made-up distribution repository, in file order: `count` entries from about
 * count / 3 source packages, with sub-packages, multilib i686 builds, noarch families, epochs on
 * some and several builds of some (as an updates repository has), plus the {@link WATCHED} anchors.
 */
export function* distribution(count: number): Generator<RpmEntry> {
  const random = new Random(SEED);
  const taken = new Set<string>(ANCHORS.map((anchor) => anchor.name.split('-')[0]));
  let emitted = 0;
  let anchor = 0;
  while (emitted < count) {
    if (anchor < ANCHORS.length && emitted >= Math.floor(((anchor + 0.9) * count) / ANCHORS.length)) {
      for (const entry of anchorEntries(random, anchor)) yield entry;
      emitted += anchorSize(anchor);
      anchor += 1;
      continue;
    }
    for (const entry of sourceEntries(random, taken)) {
      if (emitted >= count) return;
      yield entry;
      emitted += 1;
    }
  }
}

function anchorSize(index: number): number {
  const anchor = ANCHORS[index];
  return anchor.arches.length * anchor.builds.length;
}

function* anchorEntries(random: Random, index: number): Generator<RpmEntry> {
  const anchor = ANCHORS[index];
  for (const [version, release] of anchor.builds) {
    const build: Build = { family: 'plain', source: anchor.name, stem: anchor.name, epoch: anchor.epoch, version, release, buildTime: BUILD_TIME };
    for (const arch of anchor.arches) yield rpmEntry(random, build, { name: anchor.name, arch, kind: 'main' });
  }
}

function* sourceEntries(random: Random, taken: Set<string>): Generator<RpmEntry> {
  const family = pickFamily(random);
  let base = stem(random);
  while (taken.has(base)) base = stem(random);
  taken.add(base);
  const binaries = binariesOf(random, family, base);
  const epoch = random.chance(0.08) ? String(random.int(1, 3)) : '0';
  const version = `${random.int(0, 12)}.${random.int(0, 30)}${random.chance(0.6) ? `.${random.int(0, 20)}` : ''}`;
  // Most packages have one build; an updates repository keeps a few older ones.
  const builds = random.chance(0.25) ? random.int(2, 3) : 1;
  for (let b = 0; b < builds; b += 1) {
    const build: Build = {
      family,
      source: sourceName(family, base),
      stem: base,
      epoch,
      version,
      release: `${b + 1}.fc40`,
      buildTime: BUILD_TIME + random.int(0, 10_000_000),
    };
    for (const binary of binaries) yield rpmEntry(random, build, binary);
  }
}

function pickFamily(random: Random): Family {
  let roll = random.next();
  for (const [family, share] of FAMILIES) {
    roll -= share;
    if (roll < 0) return family;
  }
  return 'plain';
}

function sourceName(family: Family, base: string): string {
  switch (family) {
    case 'plain':
      return base;
    case 'lib':
      return `lib${base}`;
    case 'python':
      return `python-${base}`;
    default:
      return `${family}-${base}`;
  }
}

/** The binary packages of one source package, each on its arches. */
function binariesOf(random: Random, family: Family, base: string): Binary[] {
  const source = sourceName(family, base);
  const names: [string, Binary['kind']][] = [];
  if (family === 'python') names.push([`python3-${base}`, 'main']);
  else if (family === 'golang' || family === 'rust') names.push([`${source}-devel`, 'devel']);
  else names.push([source, 'main']);
  if (family === 'plain' || family === 'lib' || family === 'ghc') {
    if (random.chance(0.5)) names.push([`${source}-devel`, 'devel']);
    if (random.chance(0.3)) names.push([`${source}-libs`, 'libs']);
    if (random.chance(0.25)) names.push([`${source}-doc`, 'doc']);
    if (random.chance(0.15)) names.push([`${source}-common`, 'common']);
    if (random.chance(0.1)) names.push([`${source}-tools`, 'tools']);
  }
  if (family === 'rust') for (let f = random.int(1, 4); f > 0; f -= 1) names.push([`${source}+${stem(random)}-devel`, 'devel']);
  if (family === 'texlive' && random.chance(0.5)) names.push([`${source}-doc`, 'doc']);
  const noarch = NOARCH.has(family);
  const binaries: Binary[] = [];
  for (const [name, kind] of names) {
    if (noarch || kind === 'doc' || kind === 'common') binaries.push({ name, arch: 'noarch', kind });
    else {
      binaries.push({ name, arch: 'x86_64', kind });
      if ((kind === 'libs' || family === 'lib') && random.chance(0.4)) binaries.push({ name, arch: 'i686', kind });
    }
  }
  return binaries;
}
