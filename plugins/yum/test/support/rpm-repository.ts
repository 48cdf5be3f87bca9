import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A package to build: an empty rpm with this name, epoch, version, release and arch (`src` for a source rpm). */
export interface RpmPackage {
  name: string;
  epoch?: string;
  version: string;
  release: string;
  arch: string;
}

const SPEC = [
  'Name: %{pkg_name}',
  'Version: %{pkg_version}',
  'Release: %{pkg_release}',
  '%{?pkg_epoch:Epoch: %{pkg_epoch}}',
  'Summary: A package built for a test',
  'License: MIT',
  '%description',
  'A package built for a test.',
  '%files',
  '',
].join('\n');

const answers = (command: string, args: string[]): boolean => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

/** Why real repositories cannot be built here (the tools missing), or null when they can. */
export function rpmToolsMissing(): string | null {
  const missing = ['rpmbuild', 'createrepo_c'].filter((tool) => !answers(tool, ['--version']));
  return missing.length === 0 ? null : `needs ${missing.join(' and ')} (Debian's rpm and createrepo-c packages)`;
}

/** Why dnf cannot be asked here, or null when it can. */
export function dnfMissing(): string | null {
  return answers('dnf', ['--version']) ? null : "needs dnf (Debian's dnf package)";
}

/**
 * Builds each package with rpmbuild and makes `dir` a repository of them with createrepo_c,
 * exactly as a distribution's tools would.
 */
export function buildRpmRepository(dir: string, packages: readonly RpmPackage[]): void {
  const top = mkdtempSync(path.join(os.tmpdir(), 'baton-rpmbuild-'));
  try {
    buildInto(top, dir, packages);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

function buildInto(top: string, dir: string, packages: readonly RpmPackage[]): void {
  const specFile = path.join(top, 'package.spec');
  writeFileSync(specFile, SPEC);
  for (const pkg of packages) {
    const defines = [
      ['_topdir', top],
      ['pkg_name', pkg.name],
      ['pkg_version', pkg.version],
      ['pkg_release', pkg.release],
      ...(pkg.epoch !== undefined ? [['pkg_epoch', pkg.epoch]] : []),
    ].flatMap(([name, value]) => ['--define', `${name} ${value}`]);
    const mode = pkg.arch === 'src' ? ['-bs'] : ['-bb', '--target', pkg.arch];
    execFileSync('rpmbuild', [...mode, '--quiet', ...defines, specFile], { stdio: 'ignore' });
  }
  const packagesDir = path.join(dir, 'Packages');
  mkdirSync(packagesDir, { recursive: true });
  for (const folder of ['RPMS', 'SRPMS']) {
    if (!existsSync(path.join(top, folder))) continue;
    for (const file of readdirSync(path.join(top, folder), { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('.rpm')) renameSync(path.join(top, folder, file), path.join(packagesDir, path.basename(file)));
    }
  }
  execFileSync('createrepo_c', ['--quiet', dir], { stdio: 'ignore' });
}

/**
 * What `dnf repoquery --latest-limit 1` answers for `spec` in the repository at `dir`: labels as
 * Baton writes them (`name-[epoch:]version-release.arch`), one per (name, arch), sorted.
 */
export function dnfLatest(dir: string, spec: string, cacheDir: string): string[] {
  const args = [
    '-q',
    '--setopt=reposdir=/dev/null',
    `--setopt=cachedir=${cacheDir}`,
    '--disableplugin=*',
    '--releasever=1',
    `--repofrompath=baton-test,${dir}`,
    '--repo=baton-test',
    'repoquery',
    '--latest-limit',
    '1',
    '--qf',
    '%{name} %{epoch} %{version} %{release} %{arch}',
    '--',
    spec,
  ];
  const output = execFileSync('dnf', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name, epoch, version, release, arch] = line.trim().split(' ');
      return `${name}-${epoch && epoch !== '0' ? `${epoch}:` : ''}${version}-${release}.${arch}`;
    })
    .sort();
}
