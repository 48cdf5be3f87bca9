import type { PackageRevision } from '@baton/plugin-api';
import { MemoryKeyValueStore } from '@baton/plugin-api/testing';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { writeFileSync } from 'node:fs';
import { deploy, metadataPath, newSnapshotBuild, ScratchFolders } from './support/repositories';
import { contextFor, latest, plugin, stored } from './support/plugin-calls';

const folders = new ScratchFolders();
afterAll(() => folders.remove());

describe('snapshots', () => {
  let server: FixtureServer;
  let dir: string;

  beforeEach(async () => {
    dir = folders.copy();
    server = await startFixtureServer(dir);
  });
  afterEach(() => server.close());

  const snapshots = (artifactId: string, extra: Record<string, string> = {}) => ({ ARTIFACT_ID: artifactId, INCLUDE_SNAPSHOTS: 'true', ...extra });

  it('are left out by default', async () => {
    deploy(dir, 'imagingbook_plugins_tools', '4.0-SNAPSHOT', { label: '4.0-20220319.111738-2' });

    const { revision, warnings } = await latest(server.url, { ARTIFACT_ID: 'imagingbook_plugins_tools' });

    expect(revision).toBeNull();
    expect(warnings).toBeUndefined();
  });

  it('resolve to the timestamped build their own metadata names', async () => {
    deploy(dir, 'imagingbook-calibrate-data', '3.1', {});
    deploy(dir, 'imagingbook-calibrate-data', '3.1-SNAPSHOT', { label: '3.1-20210822.092232-1' });

    const { revision } = await latest(server.url, snapshots('imagingbook-calibrate-data', { VERSION_RANGE: '(,3.1)' }));

    expect(revision?.revision).toBe('3.1-20210822.092232-1');
    expect(revision?.data?.['BASE_VERSION']).toBe('3.1-SNAPSHOT');
    expect(revision?.data?.['LOCATION']).toBe(
      `${server.url}com/imagingbook/imagingbook-calibrate-data/3.1-SNAPSHOT/imagingbook-calibrate-data-3.1-20210822.092232-1.jar`,
    );
    expect(revision?.data?.['POM_LOCATION']).toMatch(/3\.1-SNAPSHOT\/imagingbook-calibrate-data-3\.1-20210822\.092232-1\.pom$/);
  });

  it('sort below their release', async () => {
    deploy(dir, 'imagingbook-calibrate-data', '3.1', {});
    deploy(dir, 'imagingbook-calibrate-data', '3.1-SNAPSHOT', { label: '3.1-20210822.092232-1' });

    const { revision } = await latest(server.url, snapshots('imagingbook-calibrate-data'));

    expect(revision?.revision).toBe('3.1');
  });

  it('match the classifier asked for', async () => {
    deploy(dir, 'imagingbook-common', '2.0-SNAPSHOT', { label: '2.0-20210811.104928-7', classifier: 'sources' });

    const { revision } = await latest(server.url, snapshots('imagingbook-common', { CLASSIFIER: 'sources', VERSION_RANGE: '[2.0-SNAPSHOT]' }));

    expect(revision?.data?.['LOCATION']).toMatch(/2\.0-SNAPSHOT\/imagingbook-common-2\.0-20210811\.104928-7-sources\.jar$/);
  });

  it('resolve through an older metadata file that gives only the timestamp and build number', async () => {
    const older = '<metadata><versioning><snapshot><timestamp>20200101.120000</timestamp><buildNumber>3</buildNumber></snapshot></versioning></metadata>';
    writeFileSync(metadataPath(dir, 'imagingbook_plugins_tools', '4.0-SNAPSHOT'), older);
    deploy(dir, 'imagingbook_plugins_tools', '4.0-SNAPSHOT', { label: '4.0-20200101.120000-3', classifier: 'sources' });

    const { revision } = await latest(server.url, snapshots('imagingbook_plugins_tools', { CLASSIFIER: 'sources' }));

    expect(revision?.revision).toBe('4.0-20200101.120000-3');
    expect(revision?.data?.['LOCATION']).toMatch(/4\.0-SNAPSHOT\/imagingbook_plugins_tools-4\.0-20200101\.120000-3-sources\.jar$/);
  });

  it('without a build of the wanted extension are skipped with a warning', async () => {
    const { revision, warnings } = await latest(server.url, snapshots('imagingbook-calibrate', { VERSION_RANGE: '(,3.0)' }));

    expect(revision).toBeNull();
    expect(warnings).toEqual(["2.0-SNAPSHOT has no build with extension 'jar' in its maven-metadata.xml; skipped"]);
  });

  it('report a newer build of the same snapshot as a new revision', async () => {
    deploy(dir, 'imagingbook_plugins_tools', '4.0-SNAPSHOT', { label: '4.0-20220319.111738-2' });
    const store = new MemoryKeyValueStore();
    const pkg = { GROUP_ID: 'com.imagingbook', ...snapshots('imagingbook_plugins_tools') };
    const first = (await latest(server.url, pkg, store)).revision as PackageRevision;
    const unchanged = await plugin.latestRevisionSince({ REPO_URL: server.url }, pkg, stored(first), contextFor(store));
    const label = newSnapshotBuild(dir, 'imagingbook_plugins_tools', '4.0-SNAPSHOT', '20220401.080000', 3);
    deploy(dir, 'imagingbook_plugins_tools', '4.0-SNAPSHOT', { label });

    const since = await plugin.latestRevisionSince({ REPO_URL: server.url }, pkg, stored(first), contextFor(store));

    expect(first.revision).toBe('4.0-20220319.111738-2');
    expect(unchanged).toEqual({ revision: null });
    expect(since.revision?.revision).toBe('4.0-20220401.080000-3');
  });
});
