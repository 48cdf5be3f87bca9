import { PluginHost } from '../server/src/plugins/plugin-host';
import { MemoryPluginStateStore } from '../server/src/plugins/memory-plugin-state-store';
import { PluginFolders, captureLogger, eventually, failure, hostOptions, scopesOnDifferentWorkers } from './plugins/host-fixture';

const CALL_TIMEOUT_MS = 800;

describe('plugin host: hangs, crashes and heap exhaustion', () => {
  const folders = new PluginFolders();
  const { logger, lines } = captureLogger();
  const [first, second] = scopesOnDifferentWorkers();
  let host: PluginHost;

  beforeAll(async () => {
    const bundledDir = folders.folder('bundled', ['hanging', 'crashing', 'heap-hog']);
    host = new PluginHost(hostOptions({ bundledDir, callTimeoutMs: CALL_TIMEOUT_MS }), new MemoryPluginStateStore(), logger);
    await host.start();
  });

  afterAll(async () => {
    await host.stop();
    folders.cleanup();
  });

  it('times out a spinning call while other workers and other plugins keep answering', async () => {
    const settled: string[] = [];
    const track = <T>(label: string, promise: Promise<T>): Promise<T> => {
      void promise.then(
        () => settled.push(label),
        () => settled.push(label),
      );
      return promise;
    };

    const spinning = track('spinning', failure(host.latestRevision('hanging', first, {}, { MODE: 'spin' })));
    const sameWorker = track('same worker', failure(host.latestRevision('hanging', first, {}, { MODE: 'ok' })));
    const otherWorker = track('other worker', host.latestRevision('hanging', second, {}, { MODE: 'ok' }));
    const otherPlugin = track('other plugin', host.latestRevision('crashing', first, {}, { MODE: 'slow' }));
    const [timedOut, queuedBehind, answered, answeredElsewhere] = await Promise.all([spinning, sameWorker, otherWorker, otherPlugin]);

    expect(timedOut.wire).toEqual({
      kind: 'transient',
      code: 'timeout',
      message: `plugin 'hanging' did not answer latest-revision within ${CALL_TIMEOUT_MS} ms`,
      retry_after_seconds: null,
    });
    expect(timedOut.pluginId).toBe('hanging');
    expect(queuedBehind.wire.kind).toBe('transient');
    expect(answered.revision?.revision).toBe('answered-ok');
    expect(answeredElsewhere.revision?.revision).toBe('answered-slow');
    expect(settled.slice(0, 2).sort()).toEqual(['other plugin', 'other worker']);
  });

  it('replaces the hung worker, and the plugin answers again', async () => {
    await eventually(() => host.plugin('hanging')?.lastError !== null);

    const again = await host.latestRevision('hanging', first, {}, { MODE: 'ok' });

    expect(host.plugin('hanging')?.lastError).toBe("plugin 'hanging' worker hung in latest-revision and was replaced");
    expect(host.plugin('hanging')?.lastErrorAt).toBeInstanceOf(Date);
    expect(again.revision?.revision).toBe('answered-ok');
    await eventually(() => host.plugin('hanging')?.status === 'ok');
  });

  it('also replaces a worker whose call never settles, though its thread is free', async () => {
    const before = host.plugin('hanging')?.lastErrorAt;

    const error = await failure(host.checkPackageConnection('hanging', second, {}, { MODE: 'wait' }));

    expect(error.wire).toMatchObject({ code: 'timeout', message: `plugin 'hanging' did not answer check-package-connection within ${CALL_TIMEOUT_MS} ms` });
    await eventually(() => host.plugin('hanging')?.lastErrorAt !== before);
    expect(host.plugin('hanging')?.lastError).toContain('hung in check-package-connection');
    expect((await host.latestRevision('hanging', second, {}, { MODE: 'ok' })).revision?.revision).toBe('answered-ok');
  });

  it('keeps a worker that stops when its call is cancelled', async () => {
    await eventually(() => host.plugin('hanging')?.status === 'ok');
    const before = host.plugin('hanging')?.lastErrorAt;

    const error = await failure(host.latestRevision('hanging', first, {}, { MODE: 'abortable' }));
    await new Promise((resolve) => setTimeout(resolve, CALL_TIMEOUT_MS + 300));

    expect(error.wire.code).toBe('timeout');
    expect(host.plugin('hanging')).toMatchObject({ status: 'ok', lastErrorAt: before });
  });

  it('sends calls about no repository to the least busy worker', async () => {
    await eventually(() => host.plugin('hanging')?.status === 'ok');
    const settled: string[] = [];

    const spinning = failure(host.latestRevision('hanging', null, {}, { MODE: 'spin' })).then((error) => {
      settled.push('spinning');
      return error;
    });
    const free = await host.latestRevision('hanging', null, {}, { MODE: 'ok' });
    settled.push('free');

    expect(free.revision?.revision).toBe('answered-ok');
    expect((await spinning).wire.code).toBe('timeout');
    expect(settled).toEqual(['free', 'spinning']);
  });

  it('fails the calls a crashing worker held, and the others go on', async () => {
    const spared = host.latestRevision('crashing', second, {}, { MODE: 'slow' });

    const crashed = await failure(host.latestRevision('crashing', first, {}, { MODE: 'exit' }));
    const statusAfterCrash = host.plugin('crashing')?.status;
    const whileRestarting = await host.latestRevision('crashing', first, {}, { MODE: 'ok' });

    expect(crashed.wire).toEqual({
      kind: 'transient',
      code: 'worker_crashed',
      message: "plugin 'crashing' worker crashed: it exited with code 1",
      retry_after_seconds: null,
    });
    expect(statusAfterCrash).toBe('restarting');
    expect(whileRestarting.revision?.revision).toBe('answered-ok');
    expect((await spared).revision?.revision).toBe('answered-slow');
    expect(host.plugin('crashing')?.status).toBe('ok');
  });

  it('treats an error thrown outside any call as a crash', async () => {
    const crashed = await failure(host.latestRevision('crashing', first, {}, { MODE: 'throw-later' }));

    expect(crashed.wire).toMatchObject({
      kind: 'transient',
      code: 'worker_crashed',
      message: "plugin 'crashing' worker crashed: Error: thrown outside the call",
    });
    expect(host.plugin('crashing')?.lastError).toBe(crashed.message);
  });

  it('restarts a worker that ran out of heap', async () => {
    const exhausted = await failure(host.latestRevision('heap-hog', first, {}, { MODE: 'hog' }));
    const again = await host.latestRevision('heap-hog', first, {}, { MODE: 'ok' });

    expect(exhausted.wire).toMatchObject({ kind: 'transient', code: 'worker_out_of_memory' });
    expect(exhausted.message).toContain('ran out of memory');
    expect(again.revision?.revision).toBe('answered');
    expect(host.plugin('heap-hog')).toMatchObject({ status: 'ok', lastError: exhausted.message });
  });

  it('logs crashes with the plugin named', () => {
    const crashLines = lines.filter((line) => line['plugin'] === 'crashing' && line['level'] === 40);

    expect(crashLines.map((line) => line['msg'])).toContain("plugin 'crashing' worker crashed: it exited with code 1");
  });
});

describe('plugin host: a plugin that keeps crashing', () => {
  const folders = new PluginFolders();
  const scope = 'repository-1';
  let host: PluginHost;

  beforeAll(async () => {
    const bundledDir = folders.folder('bundled', ['crashing']);
    host = new PluginHost(hostOptions({ bundledDir, callTimeoutMs: 5000 }), new MemoryPluginStateStore(), captureLogger().logger);
    await host.start();
  });

  afterAll(async () => {
    await host.stop();
    folders.cleanup();
  });

  it('is marked failed after five crashes in the window, and then fails calls at once', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 5; i += 1) codes.push((await failure(host.latestRevision('crashing', scope, {}, { MODE: 'exit' }))).wire.code);

    const refused = await failure(host.latestRevision('crashing', scope, {}, { MODE: 'ok' }));

    expect(codes).toEqual(Array(5).fill('worker_crashed'));
    expect(host.plugin('crashing')).toMatchObject({ status: 'failed', lastError: "plugin 'crashing' worker crashed: it exited with code 1" });
    expect(refused.wire).toMatchObject({ kind: 'transient', code: 'plugin_failed' });
    expect(refused.message).toContain("plugin 'crashing' has failed");
  });

  it('comes back with restart(), its crash history cleared', async () => {
    const info = await host.restart('crashing');
    const answer = await host.latestRevision('crashing', scope, {}, { MODE: 'ok' });
    await failure(host.latestRevision('crashing', scope, {}, { MODE: 'exit' }));

    expect(info.status).toBe('ok');
    expect(answer.revision?.revision).toBe('answered-ok');
    expect(host.plugin('crashing')?.status).toBe('restarting');
    await eventually(() => host.plugin('crashing')?.status === 'ok');
  });
});

describe('plugin host: calls that arrive while a worker may be hung', () => {
  const folders = new PluginFolders();
  let host: PluginHost;

  beforeAll(async () => {
    const bundledDir = folders.folder('bundled', ['hanging']);
    host = new PluginHost(hostOptions({ bundledDir, callTimeoutMs: 2500 }), new MemoryPluginStateStore(), captureLogger().logger);
    await host.start();
  });

  afterAll(async () => {
    await host.stop();
    folders.cleanup();
  });

  it('wait for the replacement instead of failing with the hung worker', async () => {
    const [scope] = scopesOnDifferentWorkers();
    const timedOut = await failure(host.latestRevision('hanging', scope, {}, { MODE: 'spin' }));

    const next = await host.latestRevision('hanging', scope, {}, { MODE: 'ok' });

    expect(timedOut.wire.code).toBe('timeout');
    expect(host.plugin('hanging')?.lastError).toContain('hung');
    expect(next.revision?.revision).toBe('answered-ok');
  });
});
