import { definePlugin } from '@baton/plugin-api';

// Never runs: the host refuses the package from its package.json alone (apiVersion 99).
throw new Error('future-api was loaded although its package.json declares apiVersion 99');

export default definePlugin({
  id: 'future-api',
  displayName: 'Future API (test)',
  version: '1.0.0',
  capabilities: { batch: false },
  repository: { properties: [] },
  package: { properties: [] },
  async checkRepositoryConnection() {
    return { ok: true, messages: [] };
  },
  async checkPackageConnection() {
    return { ok: true, messages: [] };
  },
  async latestRevision() {
    return { revision: null };
  },
  async latestRevisionSince() {
    return { revision: null };
  },
});
