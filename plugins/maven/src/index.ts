import { definePlugin } from '@baton/plugin-api';
import { packageProperties, repositoryProperties, settings, validatePackage, validateRepository } from './config';
import { checkPackage, checkRepository, latestRevision, latestRevisionSince, latestRevisionsSince } from './package-answers';

/** Baton's Maven plugin: watches artifacts in Maven repositories, ordered by Maven's ComparableVersion. */
export default definePlugin({
  id: 'maven',
  displayName: 'Maven repository',
  version: '1.0.0',
  capabilities: { batch: true },
  repository: { properties: repositoryProperties },
  package: { properties: packageProperties },
  settings,
  // Artifacts are fetched with the repository's own credentials, and only from its origin.
  fetchCredentials: { urlKey: 'REPO_URL', bearer: { token: 'AUTH_TOKEN' }, basic: { username: 'USERNAME', password: 'PASSWORD' } },
  validateRepository,
  validatePackage,
  checkRepositoryConnection: checkRepository,
  checkPackageConnection: checkPackage,
  latestRevision,
  latestRevisionSince,
  latestRevisionsSince,
});
