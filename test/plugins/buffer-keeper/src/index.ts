import { definePlugin, type Configuration, type RevisionResult } from '@baton/plugin-api';

/** Kept by the worker for as long as it lives: a leak outside the JavaScript heap. */
const kept: Uint8Array[] = [];

/** Keeps MEGABYTES more (none when not set) and answers how many buffers this worker holds. */
async function answer(pkg: Configuration): Promise<RevisionResult> {
  const megabytes = Number(pkg['MEGABYTES'] ?? '0');
  if (megabytes > 0) kept.push(new Uint8Array(megabytes * 1024 * 1024).fill(7));
  return { revision: { revision: `kept-${kept.length}`, timestamp: new Date('2024-05-01T10:00:00Z') } };
}

export default definePlugin({
  id: 'buffer-keeper',
  displayName: 'Buffer keeper (test)',
  version: '1.0.0',
  capabilities: { batch: false },
  repository: { properties: [] },
  package: { properties: [{ key: 'MEGABYTES', displayName: 'Megabytes kept per call', required: false }] },
  async checkRepositoryConnection() {
    return { ok: true, messages: ['alive'] };
  },
  async checkPackageConnection(_repository, pkg) {
    return { ok: true, messages: ['alive'], revision: (await answer(pkg)).revision };
  },
  async latestRevision(_repository, pkg) {
    return answer(pkg);
  },
  async latestRevisionSince(_repository, pkg) {
    return answer(pkg);
  },
});
