import { PluginHost } from '../server/src/plugins/plugin-host';
import { MemoryPluginStateStore } from '../server/src/plugins/memory-plugin-state-store';
import { PluginFolders, captureLogger, eventually, failure, hostOptions, scopesOnDifferentWorkers } from './plugins/host-fixture';

/**
 * The call timeout of the host whose calls are meant to hang. Its other calls are round trips to a
 * worker that already says it serves, which take far less than this even on a busy machine.
 */
const HANG_TIMEOUT_MS = 10_000;
/** How long a worker has to let go of a cancelled call before it counts as hung (the host's own limit). */
const CANCEL_GRACE_MS = 2000;

describe('plugin host: calls that never finish', () => {
  const folders = new PluginFolders();
  const [first, second] = scopesOnDifferentWorkers();
  let host: PluginHost;

  beforeAll(async () => {
    const bundledDir = folders.folder('bundled', ['hanging']);
    host = new PluginHost(hostOptions({ bundledDir, callTimeoutMs: HANG_TIMEOUT_MS }), new MemoryPluginStateStore(), captureLogger().logger);
    await host.start();
  });

  afterAll(async () => {
    await host.stop();
    folders.cleanup();
  });

  it('times out a spinning call, and fails the call queued behind it', async () => {
    const spinning = failure(host.latestRevision('hanging', first, {}, { MODE: 'spin' }));
    const sameWorker = failure(host.latestRevision('hanging', first, {}, { MODE: 'ok' }));
    const [timedOut, queuedBehind] = await Promise.all([spinning, sameWorker]);

    expect(timedOut.wire).toEqual({
      kind: 'transient',
      code: 'timeout',
      message: "plugin 'hanging' did not answer latest-revision within 10 s",
      retry_after_seconds: null,
    });
    expect(timedOut.pluginId).toBe('hanging');
    expect(queuedBehind.wire.kind).toBe('transient');
  });

  it('replaces the hung worker, and the plugin answers again', async () => {
    await eventually(() => host.plugin('hanging')?.lastError !== null);
    await eventually(() => host.plugin('hanging')?.status === 'ok');

    const again = await host.latestRevision('hanging', first, {}, { MODE: 'ok' });

    expect(host.plugin('hanging')?.lastError).toBe("plugin 'hanging' worker hung in latest-revision and was replaced");
    expect(host.plugin('hanging')?.lastErrorAt).toBeInstanceOf(Date);
    expect(again.revision?.revision).toBe('answered-ok');
  });

  it('also replaces a worker whose call never settles, though its thread is free', async () => {
    const before = host.plugin('hanging')?.lastErrorAt;

    const error = await failure(host.checkPackageConnection('hanging', second, {}, { MODE: 'wait' }));

    expect(error.wire).toMatchObject({ code: 'timeout', message: "plugin 'hanging' did not answer check-package-connection within 10 s" });
    await eventually(() => host.plugin('hanging')?.lastErrorAt !== before);
    expect(host.plugin('hanging')?.lastError).toContain('hung in check-package-connection');
    await eventually(() => host.plugin('hanging')?.status === 'ok');
    expect((await host.latestRevision('hanging', second, {}, { MODE: 'ok' })).revision?.revision).toBe('answered-ok');
  });

  it('keeps a worker that stops when its call is cancelled', async () => {
    await eventually(() => host.plugin('hanging')?.status === 'ok');
    const before = host.plugin('hanging')?.lastErrorAt;

    const error = await failure(host.latestRevision('hanging', first, {}, { MODE: 'abortable' }));
    await new Promise((resolve) => setTimeout(resolve, CANCEL_GRACE_MS + 500));

    expect(error.wire.code).toBe('timeout');
    expect(host.plugin('hanging')).toMatchObject({ status: 'ok', lastErrorAt: before });
  });
});

describe('plugin host: a busy worker holds up no other', () => {
  const folders = new PluginFolders();
  const [first, second] = scopesOnDifferentWorkers();
  let hosts = 0;
  let host: PluginHost;

  // A fresh host for each test: a spinning worker stays busy until its host stops.
  beforeEach(async () => {
    hosts += 1;
    const bundledDir = folders.folder(`bundled-${hosts}`, ['hanging', 'crashing']);
    host = new PluginHost(hostOptions({ bundledDir }), new MemoryPluginStateStore(), captureLogger().logger);
    await host.start();
  });

  afterEach(() => host.stop());

  afterAll(() => folders.cleanup());

  it('answers on other workers and other plugins while one worker spins', async () => {
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

    const answered = await host.latestRevision('hanging', second, {}, { MODE: 'ok' });
    const answeredElsewhere = await host.latestRevision('crashing', first, {}, { MODE: 'slow' });
    const settledMeanwhile = [...settled];
    await host.stop();

    expect(answered.revision?.revision).toBe('answered-ok');
    expect(answeredElsewhere.revision?.revision).toBe('answered-slow');
    expect(settledMeanwhile).toEqual([]);
    expect([(await spinning).wire.code, (await sameWorker).wire.code]).toEqual(['host_stopped', 'host_stopped']);
  });

  it('sends calls about no repository to the least busy worker', async () => {
    let spinningSettled = false;
    const spinning = failure(host.latestRevision('hanging', null, {}, { MODE: 'spin' })).finally(() => (spinningSettled = true));

    const free = await host.latestRevision('hanging', null, {}, { MODE: 'ok' });
    const settledMeanwhile = spinningSettled;
    await host.stop();

    expect(free.revision?.revision).toBe('answered-ok');
    expect(settledMeanwhile).toBe(false);
    expect((await spinning).wire.code).toBe('host_stopped');
  });
});

describe('plugin host: crashes and heap exhaustion', () => {
  const folders = new PluginFolders();
  const { logger, lines } = captureLogger();
  const [first, second] = scopesOnDifferentWorkers();
  let host: PluginHost;

  beforeAll(async () => {
    // No short call timeout: a worker may take long to crash or fill its heap on a busy machine.
    const bundledDir = folders.folder('bundled', ['crashing', 'heap-hog']);
    host = new PluginHost(hostOptions({ bundledDir }), new MemoryPluginStateStore(), logger);
    await host.start();
  });

  afterAll(async () => {
    await host.stop();
    folders.cleanup();
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
    host = new PluginHost(hostOptions({ bundledDir }), new MemoryPluginStateStore(), captureLogger().logger);
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
  /**
   * The call that arrives meanwhile has this long for the hung worker's grace and its replacement's
   * start, which a busy machine may make slow; the hanging call meets it too, but idles.
   */
  const WAITING_TIMEOUT_MS = 30_000;
  const folders = new PluginFolders();
  let host: PluginHost;

  beforeAll(async () => {
    const bundledDir = folders.folder('bundled', ['hanging']);
    host = new PluginHost(hostOptions({ bundledDir, callTimeoutMs: WAITING_TIMEOUT_MS }), new MemoryPluginStateStore(), captureLogger().logger);
    await host.start();
  });

  afterAll(async () => {
    await host.stop();
    folders.cleanup();
  });

  it(
    'wait for the replacement instead of failing with the hung worker',
    async () => {
      const [scope] = scopesOnDifferentWorkers();
      const timedOut = await failure(host.latestRevision('hanging', scope, {}, { MODE: 'wait' }));

      const next = await host.latestRevision('hanging', scope, {}, { MODE: 'ok' });

      expect(timedOut.wire.code).toBe('timeout');
      expect(host.plugin('hanging')?.lastError).toContain('hung');
      expect(next.revision?.revision).toBe('answered-ok');
    },
    4 * WAITING_TIMEOUT_MS,
  );
});
