import path from 'node:path';
import { describeConformance, type ConformanceOptions } from '@baton/plugin-api/testing';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import plugin from '../src';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer(path.join(__dirname, 'fixtures'));
});
afterAll(() => server.close());

describeConformance('json-index plugin over loopback HTTP', (): ConformanceOptions => ({
  plugin,
  repository: { INDEX_URL: `${server.url}index.json` },
  packages: [{ NAME: 'left-pad' }, { NAME: 'left-pad', INCLUDE_PRERELEASES: 'true' }, { NAME: 'right-pad' }],
  missingPackage: { NAME: 'no-such-package' },
  unreachableRepository: { INDEX_URL: 'http://127.0.0.1:9/index.json' },
  timeoutMs: 10_000,
}));
