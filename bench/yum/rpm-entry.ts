import type { Random } from '../polling/random';
import { capitalized, description, license, summary, word } from './vocabulary';

/** One `rpm:entry` of provides, requires and the like. */
export interface Dependency {
  name: string;
  flags?: 'EQ' | 'GE' | 'LT';
  epoch?: string;
  ver?: string;
  rel?: string;
  pre?: boolean;
}

/** One `<package>` of primary.xml, with the fields createrepo writes. */
export interface RpmEntry {
  name: string;
  arch: string;
  epoch: string;
  version: string;
  release: string;
  checksum: string;
  summary: string;
  description: string;
  url: string;
  buildTime: number;
  packageSize: number;
  installedSize: number;
  license: string;
  sourceRpm: string;
  headerEnd: number;
  provides: Dependency[];
  requires: Dependency[];
  obsoletes: Dependency[];
  recommends: Dependency[];
  files: { path: string; dir: boolean }[];
}

/** How a source package's binaries are named and what they depend on, after the packaging guidelines. */
export type Family = 'plain' | 'lib' | 'python' | 'perl' | 'golang' | 'rust' | 'texlive' | 'ghc' | 'nodejs';

/** What a binary package is built from. */
export interface Build {
  family: Family;
  source: string;
  stem: string;
  epoch: string;
  version: string;
  release: string;
  buildTime: number;
}

/** One binary package of a build: its name, arch, and the part it plays. */
export interface Binary {
  name: string;
  arch: string;
  kind: 'main' | 'libs' | 'devel' | 'doc' | 'common' | 'tools';
}

const GLIBC = ['libc.so.6()(64bit)', 'libc.so.6(GLIBC_2.34)(64bit)', 'rtld(GNU_HASH)'];
const GLIBC_32 = ['libc.so.6', 'libc.so.6(GLIBC_2.34)', 'rtld(GNU_HASH)'];

const plain = (name: string): Dependency => ({ name });
const exact = (name: string, build: Build): Dependency => ({ name, flags: 'EQ', epoch: build.epoch, ver: build.version, rel: build.release });
const atLeast = (name: string, ver: string): Dependency => ({ name, flags: 'GE', ver });

/** A package of the distribution as createrepo would describe it. */
export function rpmEntry(random: Random, build: Build, binary: Binary): RpmEntry {
  const packageSize = random.int(6_000, binary.kind === 'doc' ? 4_000_000 : 900_000);
  return {
    name: binary.name,
    arch: binary.arch,
    epoch: build.epoch,
    version: build.version,
    release: build.release,
    checksum: random.hex(64),
    summary: summary(random),
    description: description(random),
    url: `https://repo.example.org/projects/${build.stem}`,
    buildTime: build.buildTime,
    packageSize,
    installedSize: packageSize * random.int(2, 4),
    license: license(random),
    sourceRpm: `${build.source}-${build.version}-${build.release}.src.rpm`,
    headerEnd: random.int(4_000, 60_000),
    provides: provides(random, build, binary),
    requires: requires(random, build, binary),
    obsoletes: random.chance(0.04) ? [{ name: `${binary.name}-compat`, flags: 'LT', epoch: '0', ver: build.version }] : [],
    recommends: random.chance(0.12) ? [plain(`${build.stem}-${word(random)}`)] : [],
    files: files(random, build, binary),
  };
}

function provides(random: Random, build: Build, binary: Binary): Dependency[] {
  const out = [exact(binary.name, build)];
  if (binary.arch === 'x86_64') out.push(exact(`${binary.name}(x86-64)`, build));
  const count = random.int(0, 6);
  for (let i = 0; i < count; i += 1) out.push(familyProvide(random, build, binary));
  return out;
}

function familyProvide(random: Random, build: Build, binary: Binary): Dependency {
  const bits = binary.arch === 'i686' ? '' : '(64bit)';
  switch (build.family) {
    case 'python':
      return atLeast(`python3.12dist(${build.stem}${random.chance(0.5) ? `[${word(random)}]` : ''})`, build.version);
    case 'perl':
      return atLeast(`perl(${capitalized(build.stem)}::${capitalized(word(random))})`, build.version);
    case 'golang':
      return atLeast(`golang(repo.example.org/${build.stem}/${word(random)})`, build.version);
    case 'rust':
      return atLeast(`crate(${build.stem}/${word(random)})`, build.version);
    case 'texlive':
      return plain(`tex(${build.stem}-${word(random)}.sty)`);
    case 'ghc':
      return plain(`ghc-${build.stem}-${word(random)}(x86-64)`);
    default:
      if (binary.kind === 'devel') return atLeast(`pkgconfig(${build.stem}-${word(random)})`, build.version);
      return plain(`lib${build.stem}-${word(random)}.so.${random.int(0, 9)}()${bits}`);
  }
}

function requires(random: Random, build: Build, binary: Binary): Dependency[] {
  const out: Dependency[] = [];
  if (binary.arch === 'x86_64') out.push(...GLIBC.map(plain));
  if (binary.arch === 'i686') out.push(...GLIBC_32.map(plain));
  if (binary.kind === 'devel') out.push(exact(`${build.stem}-libs(x86-64)`, build), plain('pkgconfig'));
  if (build.family === 'python') out.push({ name: 'python(abi)', flags: 'EQ', ver: '3.12' });
  if (build.family === 'perl') out.push(plain('perl(:MODULE_COMPAT_5.38.2)'), plain('perl(strict)'), plain('perl(warnings)'));
  if (random.chance(0.15)) out.push({ name: '/bin/sh', pre: true });
  const count = random.int(0, 9);
  for (let i = 0; i < count; i += 1) out.push(familyRequire(random, build, binary));
  return out;
}

function familyRequire(random: Random, build: Build, binary: Binary): Dependency {
  const other = `${word(random)}${random.int(1, 99)}`;
  switch (build.family) {
    case 'python':
      return atLeast(`python3.12dist(${other})`, `${random.int(0, 5)}.${random.int(0, 20)}`);
    case 'perl':
      return plain(`perl(${capitalized(other)}::${capitalized(word(random))})`);
    case 'golang':
      return plain(`golang(repo.example.org/${other}/${word(random)})`);
    case 'rust':
      return { name: `crate(${other}/default)`, flags: 'GE', ver: `${random.int(0, 3)}.${random.int(0, 30)}.0` };
    default:
      return plain(`lib${other}.so.${random.int(0, 9)}()${binary.arch === 'i686' ? '' : '(64bit)'}`);
  }
}

/** primary.xml lists only files under /etc and in bin folders, as createrepo does. */
function files(random: Random, build: Build, binary: Binary): { path: string; dir: boolean }[] {
  if (binary.kind !== 'main' && binary.kind !== 'tools') return [];
  if (build.family !== 'plain' && build.family !== 'lib') return [];
  const out: { path: string; dir: boolean }[] = [];
  for (let i = random.int(0, 4); i > 0; i -= 1) out.push({ path: `/usr/bin/${binary.name}${i > 1 ? `-${word(random)}` : ''}`, dir: false });
  if (random.chance(0.3)) {
    out.push({ path: `/etc/${build.stem}`, dir: true }, { path: `/etc/${build.stem}/${build.stem}.conf`, dir: false });
  }
  return out;
}
