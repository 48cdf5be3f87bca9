import { TransientError, definePlugin, type Configuration, type PluginContext, type RevisionResult } from '@baton/plugin-api';

/** MODE spin: blocks its thread; wait: never settles and ignores the signal; abortable: settles when cancelled. */
async function answer(pkg: Configuration, ctx: PluginContext): Promise<RevisionResult> {
  const mode = pkg['MODE'];
  if (mode === 'spin') {
    for (;;) {
      // Busy on purpose: the host must cut this worker off.
    }
  }
  if (mode === 'wait') await new Promise<never>(() => undefined);
  if (mode === 'abortable') {
    await new Promise<never>((_, reject) => {
      ctx.signal.addEventListener('abort', () => reject(new TransientError('cancelled', 'the host cancelled the call')));
    });
  }
  return { revision: { revision: `answered-${String(mode)}`, timestamp: new Date('2024-05-01T10:00:00Z') } };
}

export default definePlugin({
  id: 'hanging',
  displayName: 'Hanging (test)',
  version: '1.0.0',
  capabilities: { batch: false },
  repository: { properties: [] },
  package: { properties: [{ key: 'MODE', displayName: 'Mode' }] },
  async checkRepositoryConnection() {
    return { ok: true, messages: ['alive'] };
  },
  async checkPackageConnection(_repository, pkg, ctx) {
    const { revision } = await answer(pkg, ctx);
    return { ok: true, messages: ['alive'], revision };
  },
  async latestRevision(_repository, pkg, ctx) {
    return answer(pkg, ctx);
  },
  async latestRevisionSince(_repository, pkg, _previous, ctx) {
    return answer(pkg, ctx);
  },
});
