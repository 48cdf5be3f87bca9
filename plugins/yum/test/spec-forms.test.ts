import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PermanentError, type RevisionResult } from '@baton/plugin-api';
import { fileUrl } from './support/repositories';
import { contextFor, latest, plugin, thrown } from './support/plugin-calls';
import { buildRpmRepository, dnfLatest, dnfMissing, rpmToolsMissing, type RpmPackage } from './support/rpm-repository';

/** Packages built with rpmbuild into a repository made by createrepo_c: the shapes the spec forms meet in real repositories. */
const PACKAGES: RpmPackage[] = [
  { name: 'arc', version: '1.0', release: '1', arch: 'x86_64' },
  { name: 'arc', version: '2.0', release: '1', arch: 'i686' },
  { name: 'many', version: '1.0', release: '1.el9', arch: 'x86_64' },
  { name: 'many', version: '1.5', release: '2.el9_2', arch: 'x86_64' },
  { name: 'many', version: '2.0', release: '1.el8', arch: 'x86_64' },
  { name: 'lz', version: '1.010', release: '1', arch: 'x86_64' },
  { name: 'ep', epoch: '1', version: '1.0', release: '1', arch: 'x86_64' },
  { name: 'foo-libs', version: '1.1', release: '1', arch: 'x86_64' },
  { name: 'foo-libs', version: '1.2', release: '1', arch: 'x86_64' },
  { name: 'solo', version: '3.0', release: '1', arch: 'x86_64' },
  { name: 'solo', version: '3.0', release: '1', arch: 'src' },
  { name: 'tool', version: '2.0', release: '1', arch: 'noarch' },
];

/** Specs that find one package: the spec, the package, and why. */
const FOUND: [string, string, string][] = [
  ['arc-*.i686', 'arc-2.0-1.i686', 'the whole spec as one glob against name-version-release.arch'],
  ['many-*.el9*', 'many-1.5-2.el9_2.x86_64', 'the whole spec as one glob, the highest of its matches'],
  ['ep-1:1.*.x86_64', 'ep-1:1.0-1.x86_64', 'the whole spec as one glob against name-epoch:version-release.arch'],
  ['*-1:1.0-1', 'ep-1:1.0-1.x86_64', 'the whole spec as one glob against name-epoch:version-release'],
  ['lz-1.10', 'lz-1.010-1.x86_64', 'a version without glob characters compared as rpm compares: 1.10 is 1.010'],
  ['lz-1.10-1.x86_64', 'lz-1.010-1.x86_64', 'the same in a full NEVRA'],
  ['lz', 'lz-1.010-1.x86_64', 'name'],
  ['arc.i686', 'arc-2.0-1.i686', 'name.arch'],
  ['arc-1.0', 'arc-1.0-1.x86_64', 'name-version'],
  ['many-2.0-1.el8', 'many-2.0-1.el8.x86_64', 'name-version-release'],
  ['arc-2.0-1.i686', 'arc-2.0-1.i686', 'name-version-release.arch'],
  ['ep-1:1.0-1.x86_64', 'ep-1:1.0-1.x86_64', 'name-epoch:version-release.arch'],
  ['1:ep-1.0-1.x86_64', 'ep-1:1.0-1.x86_64', 'epoch:name-version-release.arch'],
  ['fo?-libs.x86_64', 'foo-libs-1.2-1.x86_64', 'a glob in the name'],
  ['many-1.*', 'many-1.5-2.el9_2.x86_64', 'a glob in the version'],
  ['tool.noarch', 'tool-2.0-1.noarch', 'noarch'],
];

/** Specs found only when case is ignored: the spec, the package, its name. */
const CASELESS: [string, string, string][] = [
  ['EP', 'ep-1:1.0-1.x86_64', 'ep'],
  ['Foo-Libs', 'foo-libs-1.2-1.x86_64', 'foo-libs'],
  ['ARC-*.I686', 'arc-2.0-1.i686', 'arc'],
];

/**
 * Where Baton answers and dnf 4 does not: yum's `epoch:name-version-release.arch`, which dnf no
 * longer reads, and a whole-spec glob with case ignored, which dnf tries only with the forms.
 */
const BEYOND_DNF = ['1:ep-1.0-1.x86_64', 'ARC-*.I686'];

/** Specs that match nothing, and the closest names offered. */
const NOTHING: [string, string[]][] = [
  ['foo-libz', ['foo-libs']],
  ['ep-0:1.0-1.x86_64', ['ep']],
  ['zzz', []],
];

/** Specs that match more than one (name, arch): the groups, binary packages first, as the message lists them. */
const AMBIGUOUS: [string, string[]][] = [
  ['solo', ['solo.x86_64', 'solo.src']],
  ['arc', ['arc.i686', 'arc.x86_64']],
  ['arc-*', ['arc.i686', 'arc.x86_64']],
];

const rpmTools = rpmToolsMissing();
const describeWithRpmTools = (name: string, suite: () => void): void => {
  if (rpmTools === null) describe(name, suite);
  else describe.skip(`${name} (skipped: ${rpmTools})`, suite);
};

const ambiguity = (groups: string[]): string =>
  `Package spec '%s' matches more than one package (name.arch): ${groups.join(', ')}; make it name one of them, for example '${groups[0]}'`;

describeWithRpmTools('package specs against a repository built with rpmbuild and createrepo_c', () => {
  let root: string;
  let url: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'baton-yum-specs-'));
    buildRpmRepository(path.join(root, 'repo'), PACKAGES);
    url = fileUrl(path.join(root, 'repo'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(FOUND)('%s finds %s (%s)', async (spec, expected) => {
    const result = await latest(url, spec);

    expect(result).toEqual({ revision: expect.objectContaining({ revision: expected }) });
  });

  it.each(CASELESS)('%s finds %s only when case is ignored, and warns that it did', async (spec, expected, name) => {
    const result = await latest(url, spec);

    expect(result.revision?.revision).toBe(expected);
    expect(result.warnings).toEqual([
      `Package spec '${spec}' matches '${name}' only when case is ignored; write the name as the repository does to silence this warning`,
    ]);
  });

  it.each(NOTHING)('%s finds nothing and warns, naming %j', async (spec, nearby) => {
    const closest = nearby.length > 0 ? `the closest names are: ${nearby.join(', ')}` : 'no name in it comes close';

    const result = await latest(url, spec);
    const check = await plugin.checkPackageConnection({ REPO_URL: url }, { PACKAGE_SPEC: spec }, contextFor());

    expect(result).toEqual({ revision: null, warnings: [`no package matches '${spec}' in this repository; ${closest}`] });
    expect(check).toEqual({ ok: false, messages: [`No package in ${url} matches the spec '${spec}'; ${closest}.`], revision: null });
  });

  it.each(AMBIGUOUS)('%s is ambiguous: %j, a binary package suggested first', async (spec, groups) => {
    const error = await thrown(latest(url, spec));

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).message).toBe(ambiguity(groups).replace('%s', spec));
  });

  it('gives no warning for a spec in a repository without packages: its package may not be published yet', async () => {
    const empty = path.join(root, 'empty');
    buildRpmRepository(empty, []);

    const result = await latest(fileUrl(empty), 'foo-libz');

    expect(result).toEqual({ revision: null });
  });
});

const tools = rpmTools ?? dnfMissing();
const describeWithDnf = (name: string, suite: () => void): void => {
  if (tools === null) describe(name, suite);
  else describe.skip(`${name} (skipped: ${tools})`, suite);
};

/** What Baton answers, in dnf's terms: the labels of the latest package of each (name, arch) it matched. */
function asDnfWould(result: unknown): string[] {
  if (result instanceof PermanentError) return [result.message];
  const { revision } = result as RevisionResult;
  return revision === null ? [] : [revision.revision];
}

describeWithDnf('package specs answered as dnf repoquery --latest-limit 1 answers them', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'baton-yum-dnf-'));
    buildRpmRepository(path.join(root, 'repo'), PACKAGES);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const specs = [...FOUND, ...CASELESS, ...NOTHING].map(([spec]) => spec).filter((spec) => !BEYOND_DNF.includes(spec));

  it.each(specs)('%s', async (spec) => {
    const dir = path.join(root, 'repo');

    const dnf = dnfLatest(dir, spec, path.join(root, 'cache'));
    const baton = await latest(fileUrl(dir), spec).catch((error: unknown) => error);

    expect(asDnfWould(baton)).toEqual(dnf);
  });

  it.each(BEYOND_DNF)('%s: dnf finds nothing, where Baton finds a package', (spec) => {
    const dnf = dnfLatest(path.join(root, 'repo'), spec, path.join(root, 'cache'));

    expect(dnf).toEqual([]);
  });

  it.each(AMBIGUOUS)('%s: dnf lists one package for each (name, arch) Baton names', async (spec, groups) => {
    const dir = path.join(root, 'repo');

    const dnf = dnfLatest(dir, spec, path.join(root, 'cache'));

    expect(dnf.map((label) => `${label.split('-')[0]}.${label.slice(label.lastIndexOf('.') + 1)}`).sort()).toEqual([...groups].sort());
  });
});
