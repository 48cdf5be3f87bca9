import { definePlugin } from '@baton/plugin-api';
import { packageProperties, repositoryProperties, settings, validatePackage, validateRepository } from './config';
import { NPM_ENVIRONMENT } from './npm-configuration';
import { checkPackage, checkRepository, latestRevision, latestRevisionSince, latestRevisionsSince } from './package-answers';

/** Baton's npm plugin: watches packages of any npm registry and orders versions by node-semver. */
export default definePlugin({
  id: 'npm',
  displayName: 'npm registry',
  version: '1.0.0',
  capabilities: { batch: true },
  repository: { properties: repositoryProperties },
  package: { properties: packageProperties },
  settings,
  environment: NPM_ENVIRONMENT,
  // Tarballs of a private registry need the registry's credentials; only to REGISTRY_URL's origin.
  fetchCredentials: { urlKey: 'REGISTRY_URL', bearer: { token: 'AUTH_TOKEN' }, basic: { username: 'USERNAME', password: 'PASSWORD' } },
  validateRepository,
  validatePackage,
  checkRepositoryConnection: checkRepository,
  checkPackageConnection: checkPackage,
  latestRevision,
  latestRevisionSince,
  latestRevisionsSince,
});
