import { definePlugin } from '@baton/plugin-api';

/** Keys of every type, so the host's checks of typed values can be seen through the API. */
export default definePlugin({
  id: 'typed-keys',
  displayName: 'Typed keys (test)',
  version: '1.0.0',
  capabilities: { batch: false },
  repository: {
    properties: [
      { key: 'URL', displayName: 'URL' },
      { key: 'VERIFY', displayName: 'Verify', type: 'boolean', defaultValue: 'true', required: false, partOfIdentity: false },
      { key: 'RETRIES', displayName: 'Retries', type: 'integer', required: false, partOfIdentity: false },
      { key: 'CHANNEL', displayName: 'Channel', enum: ['stable', 'testing'], defaultValue: 'stable' },
    ],
  },
  package: { properties: [{ key: 'NAME', displayName: 'Name' }] },
  checkRepositoryConnection(repository) {
    // Echoes what it was given, so a test sees the values the host let through.
    return Promise.resolve({ ok: true, messages: Object.entries(repository).map(([key, value]) => `${key}=${value}`) });
  },
  checkPackageConnection() {
    return Promise.resolve({ ok: true, messages: [], revision: null });
  },
  latestRevision() {
    return Promise.resolve({ revision: null });
  },
  latestRevisionSince() {
    return Promise.resolve({ revision: null });
  },
});
