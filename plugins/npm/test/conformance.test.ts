import { describeConformance, type ConformanceOptions } from '@baton/plugin-api/testing';
import plugin from '../src';
import { fixturePackuments, startRegistry, type RegistryServer } from './support/registry-server';

let registry: RegistryServer;
let tokenRegistry: RegistryServer;
beforeAll(async () => {
  registry = await startRegistry(fixturePackuments());
  tokenRegistry = await startRegistry(fixturePackuments(), { validators: 'none', ping: false, authorization: 'Bearer t0k3n' });
});
afterAll(async () => {
  await registry.close();
  await tokenRegistry.close();
});

describeConformance('npm plugin: real packuments from a loopback registry', (): ConformanceOptions => ({
  plugin,
  repository: { REGISTRY_URL: registry.url },
  packages: [
    { PACKAGE_NAME: 'left-pad' },
    { PACKAGE_NAME: '@isaacs/ttlcache', VERSION_RANGE: '^1' },
    { PACKAGE_NAME: 'semver', INCLUDE_PRERELEASE: 'true', VERSION_RANGE: '<3' },
    { PACKAGE_NAME: 'request', DIST_TAG: 'latest' },
  ],
  missingPackage: { PACKAGE_NAME: 'no-such-package' },
  unreachableRepository: { REGISTRY_URL: 'http://127.0.0.1:9/' },
  timeoutMs: 10_000,
}));

describeConformance('npm plugin: a registry without validators or ping, with a token', (): ConformanceOptions => ({
  plugin,
  repository: { REGISTRY_URL: tokenRegistry.url, AUTH_TOKEN: 't0k3n' },
  packages: [{ PACKAGE_NAME: '@tootallnate/once' }, { PACKAGE_NAME: 'abbrev', VERSION_RANGE: '1.x' }],
  missingPackage: { PACKAGE_NAME: '@scope/no-such-package' },
  timeoutMs: 10_000,
}));
