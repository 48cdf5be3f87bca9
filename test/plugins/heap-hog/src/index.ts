import { definePlugin, type Configuration, type RevisionResult } from '@baton/plugin-api';

/** What MODE hold keeps during the call: 48 MiB, outside the heap, so the heap limit does not matter. */
const HELD_BYTES = 48 * 1024 * 1024;
const HOLD_MS = 400;

/** Holds HELD_BYTES for a while, long enough for the worker's memory sampler to see it. */
async function hold(): Promise<number> {
  const held = new Uint8Array(HELD_BYTES).fill(7);
  await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
  return held[held.length - 1];
}

/** MODE hog: keeps every allocation until the heap limit ends the worker. MODE hold: see {@link hold}. */
async function answer(pkg: Configuration): Promise<RevisionResult> {
  if (pkg['MODE'] === 'hog') {
    const kept: number[][] = [];
    for (;;) kept.push(new Array<number>(100_000).fill(kept.length));
  }
  if (pkg['MODE'] === 'hold') await hold();
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
