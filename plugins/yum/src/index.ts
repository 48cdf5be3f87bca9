import { definePlugin } from '@baton/plugin-api';
import { packageProperties, repositoryProperties, settings, validatePackage, validateRepository } from './config';
import { checkPackage, checkRepository, latestRevision, latestRevisionSince, latestRevisionsSince } from './package-answers';

/** Baton's yum/dnf plugin: reads rpm-md repositories itself and orders packages by rpm's EVR rules. */
export default definePlugin({
  id: 'yum',
  displayName: 'Yum / dnf repository',
  version: '1.0.0',
  capabilities: { batch: true },
  repository: { properties: repositoryProperties },
  package: { properties: packageProperties },
  settings,
  validateRepository,
  validatePackage,
  checkRepositoryConnection: checkRepository,
  checkPackageConnection: checkPackage,
  latestRevision,
  latestRevisionSince,
  latestRevisionsSince,
});
