import type { Configuration } from '@baton/plugin-api';
import { describeConformance, type ConformanceOptions } from '@baton/plugin-api/testing';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import plugin from '../src';
import { deploy, fileUrl, ScratchFolders } from './support/repositories';

const folders = new ScratchFolders();
let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  dir = folders.copy();
  for (const version of ['3.0', '3.1']) deploy(dir, 'imagingbook-common', version);
  deploy(dir, 'imagingbook-calibrate-data', '3.1-SNAPSHOT', { label: '3.1-20210822.092232-1' });
  deploy(dir, 'imagingbook_plugins_all', '1.9');
  server = await startFixtureServer(dir);
});
afterAll(async () => {
  await server.close();
  folders.remove();
});

const packages: Configuration[] = [
  { GROUP_ID: 'com.imagingbook', ARTIFACT_ID: 'imagingbook-common' },
  { GROUP_ID: 'com.imagingbook', ARTIFACT_ID: 'imagingbook-common', VERSION_RANGE: '[3.0]' },
  { GROUP_ID: 'com.imagingbook', ARTIFACT_ID: 'imagingbook-calibrate-data', INCLUDE_SNAPSHOTS: 'true', VERSION_RANGE: '(,3.1)' },
  { GROUP_ID: 'com.imagingbook', ARTIFACT_ID: 'imagingbook_plugins_all', POLL_VERSION_FROM: '1.0', POLL_VERSION_TO: '2.0' },
];

describeConformance('maven plugin: imagingbook over loopback HTTP', (): ConformanceOptions => ({
  plugin,
  repository: { REPO_URL: server.url },
  packages,
  missingPackage: { GROUP_ID: 'com.imagingbook', ARTIFACT_ID: 'no-such-artifact' },
  unreachableRepository: { REPO_URL: 'http://127.0.0.1:9/' },
  timeoutMs: 10_000,
}));

describeConformance('maven plugin: imagingbook as a file URL', (): ConformanceOptions => ({
  plugin,
  repository: { REPO_URL: fileUrl(dir) },
  packages,
  missingPackage: { GROUP_ID: 'com.imagingbook', ARTIFACT_ID: 'imagingbook-common', VERSION_RANGE: '[5.0,)' },
  timeoutMs: 10_000,
}));
