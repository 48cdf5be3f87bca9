import { definePlugin, type Configuration, type RevisionResult } from '@baton/plugin-api';

/** MODE hog: keeps every allocation until the heap limit ends the worker. */
async function answer(pkg: Configuration): Promise<RevisionResult> {
  if (pkg['MODE'] === 'hog') {
    const kept: number[][] = [];
    for (;;) kept.push(new Array<number>(100_000).fill(kept.length));
  }
  return { revision: { revision: 'answered', timestamp: new Date('2024-05-01T10:00:00Z') } };
}

export default definePlugin({
  id: 'heap-hog',
  displayName: 'Heap hog (test)',
  version: '1.0.0',
  capabilities: { batch: false },
  repository: { properties: [] },
  package: { properties: [{ key: 'MODE', displayName: 'Mode' }] },
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
