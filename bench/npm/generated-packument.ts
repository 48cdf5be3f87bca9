import { createHash } from 'node:crypto';
import { Random } from '../polling/random';

/** A made-up packument as a registry serves it, and the version Baton should report for `*`. */
export interface GeneratedPackument {
  text: string;
  latest: string;
  versions: number;
  prereleases: number;
  deprecated: number;
}

const DAY_MS = 86_400_000;
const DEPENDENCIES = [
  'debug',
  'ms',
  'semver',
  'chalk',
  'commander',
  'yargs',
  'glob',
  'minimatch',
  'lru-cache',
  'tslib',
  'undici',
  'ws',
  'ajv',
  'axios',
  'fast-glob',
  'picomatch',
  'mime-types',
  'cross-spawn',
  'which',
  'uuid',
  '@scope/runtime',
  '@scope/shared',
  'signal-exit',
  'supports-color',
];
const DEV_DEPENDENCIES = ['typescript', 'jest', 'eslint', 'prettier', '@types/node', 'ts-node', 'rimraf', 'husky', 'lint-staged', 'tap'];
const CONTRIBUTORS = ['Ada', 'Brook', 'Cyd', 'Dee', 'Eli', 'Fay'].map((n) => ({
  name: n,
  email: `${n.toLowerCase()}@example.org`,
  url: `https://people.example.org/${n.toLowerCase()}`,
}));
const KEYWORDS = ['cli', 'parser', 'stream', 'http', 'config', 'logging', 'testing', 'build', 'tooling', 'async'];

/** The version numbers, in publishing order: releases climbing minor and patch, some pre-releases before each minor. */
function versionNumbers(count: number, random: Random): string[] {
  const versions: string[] = [];
  let [major, minor, patch] = [0, 1, 0];
  while (versions.length < count) {
    if (random.chance(0.05)) {
      const tag = random.pick(['alpha', 'beta', 'rc']);
      const runs = random.int(1, 3);
      for (let n = 0; n < runs && versions.length < count - 1; n += 1) versions.push(`${major}.${minor + 1}.0-${tag}.${n}`);
      [minor, patch] = [minor + 1, 0];
    } else if (random.chance(0.01)) [major, minor, patch] = [major + 1, 0, 0];
    else patch += 1;
    versions.push(`${major}.${minor}.${patch}`);
  }
  return versions;
}

function ranges(names: string[], random: Random): Record<string, string> {
  const picked: Record<string, string> = {};
  for (let i = random.int(2, names.length); i > 0; i -= 1) picked[random.pick(names)] = `^${random.int(0, 9)}.${random.int(0, 20)}.${random.int(0, 9)}`;
  return picked;
}

/** One version's manifest, with the fields real packuments carry (dist with signatures, dependencies, npm's bookkeeping). */
function manifest(name: string, version: string, random: Random): Record<string, unknown> {
  const tarball = `https://registry.example.org/${name}/-/${name}-${version}.tgz`;
  const digest = createHash('sha512').update(tarball).digest();
  const publisher = { name: 'publisher', email: 'publisher@example.org' };
  return {
    name,
    version,
    description: `${name}: a made-up package for the benchmark, at version ${version}. It reads configuration, streams records, logs what it does and exits cleanly; this sentence is as long as a real description.`,
    main: 'dist/index.js',
    bin: { [name]: 'dist/cli.js' },
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.mjs', require: './dist/index.js' }, './package.json': './package.json' },
    files: ['dist/', 'README.md', 'LICENSE', 'CHANGELOG.md'],
    types: 'dist/index.d.ts',
    scripts: { build: 'tsc -b', test: 'jest', lint: 'eslint .', prepublishOnly: 'npm run build' },
    repository: { type: 'git', url: `git+https://git.example.org/bench/${name}.git` },
    keywords: KEYWORDS.slice(0, random.int(2, KEYWORDS.length)),
    author: publisher,
    license: 'MIT',
    bugs: { url: `https://git.example.org/bench/${name}/issues` },
    homepage: `https://git.example.org/bench/${name}#readme`,
    engines: { node: `>=${random.int(12, 20)}` },
    dependencies: ranges(DEPENDENCIES, random),
    devDependencies: ranges(DEV_DEPENDENCIES, random),
    peerDependencies: ranges(DEPENDENCIES.slice(0, 3), random),
    optionalDependencies: ranges(DEPENDENCIES.slice(12), random),
    publishConfig: { access: 'public', registry: 'https://registry.example.org/', provenance: true },
    contributors: CONTRIBUTORS.slice(0, random.int(1, CONTRIBUTORS.length)),
    funding: { type: 'opencollective', url: `https://funding.example.org/${name}` },
    gitHead: random.hex(40),
    _id: `${name}@${version}`,
    _nodeVersion: `${random.int(14, 22)}.${random.int(0, 12)}.${random.int(0, 9)}`,
    _npmVersion: `${random.int(6, 10)}.${random.int(0, 9)}.${random.int(0, 9)}`,
    dist: {
      integrity: `sha512-${digest.toString('base64')}`,
      shasum: createHash('sha1').update(tarball).digest('hex'),
      tarball,
      fileCount: random.int(5, 200),
      unpackedSize: random.int(10_000, 2_000_000),
      signatures: [{ keyid: 'SHA256:bench-key', sig: `MEUCI${random.hex(60)}AiEA${random.hex(60)}` }],
      attestations: {
        url: `https://registry.example.org/-/npm/v1/attestations/${name}@${version}`,
        provenance: { predicateType: 'https://slsa.dev/provenance/v1' },
      },
    },
    _npmUser: publisher,
    maintainers: [publisher],
    directories: {},
    _hasShrinkwrap: false,
    _shasum: createHash('sha1').update(tarball).digest('hex'),
    _from: '.',
    _npmOperationalInternal: { host: 's3://npm-registry-packages', tmp: `tmp/${name}_${version}_${random.int(1e12, 2e12)}_0.${random.hex(16)}` },
  };
}

/**
 * A packument of `count` versions (seeded: the same on every run): each version's manifest, the
 * `time` map, dist-tags `latest`, `next` and `beta`; about one version in twelve a pre-release, one
 * in twenty deprecated (never the latest release).
 */
export function generatedPackument(name: string, count: number, seed = 11): GeneratedPackument {
  const random = new Random(seed);
  const numbers = versionNumbers(count, random);
  const versions: Record<string, Record<string, unknown>> = {};
  const time: Record<string, string> = {};
  const start = Date.UTC(2016, 0, 1);
  const releases = numbers.filter((v) => !v.includes('-'));
  const latest = releases[releases.length - 1];
  let deprecated = 0;
  for (const [i, version] of numbers.entries()) {
    versions[version] = manifest(name, version, random);
    if (version !== latest && random.chance(0.05)) {
      versions[version]['deprecated'] = `${version} has a bug; use a later version`;
      deprecated += 1;
    }
    time[version] = new Date(start + i * DAY_MS + random.int(0, DAY_MS - 1)).toISOString();
  }
  const last = new Date(start + numbers.length * DAY_MS).toISOString();
  const prerelease = numbers.filter((v) => v.includes('-'));
  const distTags = { latest, next: prerelease[prerelease.length - 1] ?? latest, beta: prerelease[Math.floor(prerelease.length / 2)] ?? latest };
  const packument = {
    _id: name,
    name,
    description: `${name}: a made-up package for the benchmark`,
    'dist-tags': distTags,
    versions,
    time: { created: new Date(start).toISOString(), modified: last, ...time },
    maintainers: [{ name: 'publisher', email: 'publisher@example.org' }],
    repository: { type: 'git', url: `git+https://git.example.org/bench/${name}.git` },
    license: 'MIT',
    readme: `# ${name}\n\nA made-up package for the benchmark.\n`,
    readmeFilename: 'README.md',
  };
  return { text: JSON.stringify(packument), latest, versions: numbers.length, prereleases: prerelease.length, deprecated };
}
