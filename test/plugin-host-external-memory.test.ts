import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createGzip } from 'node:zlib';
import { MemoryPluginStateStore } from '../server/src/plugins/memory-plugin-state-store';
import { PluginHost } from '../server/src/plugins/plugin-host';
import type { PluginMemory } from '../server/src/plugins/plugin-memory';
import { ScratchFolders, fileUrl } from '../plugins/yum/test/support/repositories';
import { PluginFolders, captureLogger, eventually, failure, hostOptions } from './plugins/host-fixture';

const MIB = 1024 * 1024;
const SCOPE = 'repository-1';
const total = (memory: PluginMemory): number => memory.heapUsedBytes + memory.externalBytes;

describe('plugin host: memory a worker keeps outside its heap', () => {
  const folders = new PluginFolders();
  let host: PluginHost;
  const keep = async (megabytes: number): Promise<string | undefined> =>
    (await host.latestRevision('buffer-keeper', SCOPE, {}, { MEGABYTES: String(megabytes) })).revision?.revision;

  beforeAll(async () => {
    const bundledDir = folders.folder('bundled', ['buffer-keeper']);
    host = new PluginHost(
      hostOptions({ bundledDir, workersPerPlugin: 1, memorySampleMs: 20, maxExternalMb: 64 }),
      new MemoryPluginStateStore(),
      captureLogger().logger,
    );
    await host.start();
  });

  afterAll(async () => {
    await host.stop();
    folders.cleanup();
  });

  it('keeps a worker that holds less than BATON_PLUGIN_MAX_EXTERNAL_MB after its call', async () => {
    const first = await keep(32);
    const sampled = host.plugin('buffer-keeper')?.memory?.sampledAt.getTime() ?? 0;
    // The sample taken once the worker has been idle for a while.
    await eventually(() => (host.plugin('buffer-keeper')?.memory?.sampledAt.getTime() ?? 0) > sampled, 60_000);

    expect(first).toBe('kept-1');
    expect(await keep(0)).toBe('kept-1');
  });

  it('replaces a worker that still holds more than BATON_PLUGIN_MAX_EXTERNAL_MB once idle, and says so', async () => {
    expect(await keep(48)).toBe('kept-2');

    await eventually(() => /BATON_PLUGIN_MAX_EXTERNAL_MB/.test(host.plugin('buffer-keeper')?.lastError ?? ''), 60_000);

    expect(host.plugin('buffer-keeper')?.lastError).toMatch(/^plugin 'buffer-keeper' worker held \d+ MB outside its heap after its calls \(limit 64 MB/);
    expect(await keep(0)).toBe('kept-0');
  });
});

/** primary.xml whose one entry never closes its <name>: small compressed, `expanded` bytes once decompressed. */
async function unclosedNameGz(expanded: number): Promise<Buffer> {
  const chunk = Buffer.alloc(MIB, 'a');
  async function* xml(): AsyncGenerator<Buffer> {
    yield Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" packages="1">\n<package type="rpm"><name>',
    );
    for (let written = 0; written < expanded; written += chunk.length) yield chunk;
  }
  return buffer(Readable.from(xml()).pipe(createGzip({ level: 9 })));
}

describe('plugin host: a yum primary with one huge unclosed element', () => {
  const plugins = new PluginFolders();
  const repositories = new ScratchFolders();
  let host: PluginHost;
  let repositoryUrl: string;
  const memory = (): PluginMemory | null => host.plugin('yum')?.memory ?? null;

  beforeAll(async () => {
    const dir = repositories.repository(await unclosedNameGz(200 * MIB));
    repositoryUrl = fileUrl(dir);
    const bundledDir = plugins.folder('bundled', []);
    symlinkSync(path.join(__dirname, '..', 'plugins', 'yum'), path.join(bundledDir, 'yum'), 'dir');
    const options = hostOptions({ bundledDir, workersPerPlugin: 1, memorySampleMs: 20 });
    host = new PluginHost({ ...options, http: { ...options.http, fileRoots: [path.dirname(dir)] } }, new MemoryPluginStateStore(), captureLogger().logger);
    await host.start();
    await eventually(() => memory() !== null);
  });

  afterAll(async () => {
    await host.stop();
    plugins.cleanup();
    repositories.remove();
  });

  it('fails the poll with the entry-size error, and the worker holds at most 64 MiB more than when idle', async () => {
    const idle = total(memory() as PluginMemory);

    const error = await failure(host.latestRevision('yum', SCOPE, { REPO_URL: repositoryUrl }, { PACKAGE_SPEC: 'a' }));
    const after = memory() as PluginMemory;

    expect(error.wire).toMatchObject({ kind: 'permanent', code: 'entry_too_large' });
    expect(error.wire.message).toMatch(
      /^repodata\/primary\.xml\.gz: an entry starting at byte \d+ is larger than 16777216 bytes once decompressed; raise BATON_PLUGIN_YUM_MAX_ENTRY_BYTES to read it$/,
    );
    expect(total(after) - idle).toBeLessThanOrEqual(64 * MIB);
  });
});
