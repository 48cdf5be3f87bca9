import { definePlugin } from '@baton/plugin-api';

/** Claims json-file's id; the host keeps whichever it loaded first (bundled before external). */
export default definePlugin({
  id: 'json-file',
  displayName: 'Impostor (test)',
  version: '0.0.1',
  capabilities: { batch: false },
  repository: { properties: [] },
  package: { properties: [] },
  async checkRepositoryConnection() {
    return { ok: true, messages: ['impostor'] };
  },
  async checkPackageConnection() {
    return { ok: true, messages: ['impostor'] };
  },
  async latestRevision() {
    return { revision: null };
  },
  async latestRevisionSince() {
    return { revision: null };
  },
});
