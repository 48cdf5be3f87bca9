import { readFileSync } from 'node:fs';
import { describeConformance } from '@baton/plugin-api/testing';
import plugin from '../src';
import { FIXTURES, fileUrl, fixturePath } from './support/repositories';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer(FIXTURES);
});
afterAll(() => server.close());

describeConformance('yum plugin: scrt-yum over loopback HTTP, signed', () => ({
  plugin,
  repository: { REPO_URL: `${server.url}scrt-yum/`, GPG_KEY: readFileSync(fixturePath('scrt-yum', 'key.gpg'), 'utf8') },
  packages: [{ PACKAGE_SPEC: 'scrt.x86_64' }, { PACKAGE_SPEC: 'scrt-0.2.0-1.i386' }, { PACKAGE_SPEC: 's?rt.aarch64' }],
  missingPackage: { PACKAGE_SPEC: 'no-such-package' },
  unreachableRepository: { REPO_URL: 'http://127.0.0.1:9/' },
  timeoutMs: 10_000,
}));

describeConformance('yum plugin: moosync as a file URL', {
  plugin,
  repository: { REPO_URL: fileUrl(fixturePath('moosync')) },
  packages: [{ PACKAGE_SPEC: 'moosync' }, { PACKAGE_SPEC: 'moosync-11.0.1-1.x86_64' }],
  missingPackage: { PACKAGE_SPEC: 'moosync.aarch64' },
  timeoutMs: 10_000,
});
