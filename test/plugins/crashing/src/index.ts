import { definePlugin, type Configuration, type RevisionResult } from '@baton/plugin-api';

/** MODE exit: ends the worker; throw-later: an error thrown outside the call while it waits; slow: answers after 300 ms. */
async function answer(pkg: Configuration): Promise<RevisionResult> {
  const mode = pkg['MODE'];
  if (mode === 'exit') process.exit(1);
  if (mode === 'throw-later') {
    setTimeout(() => {
      throw new Error('thrown outside the call');
    }, 5);
    await new Promise<never>(() => undefined);
  }
  if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 300));
  return { revision: { revision: `answered-${String(mode)}`, timestamp: new Date('2024-05-01T10:00:00Z') } };
}

export default definePlugin({
  id: 'crashing',
  displayName: 'Crashing (test)',
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
