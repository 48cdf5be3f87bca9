/** Shared set-up of the plugin host tests: scratch plugin folders, a capturing logger, a recording store. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { MemoryPluginStateStore } from '../../server/src/plugins/memory-plugin-state-store';
import type { PluginCallError } from '../../server/src/plugins/plugin-call-error';
import type { PluginHostOptions } from '../../server/src/plugins/plugin-host-options';
import type { PluginStateStore, SnapshotLimits, StoreSnapshot } from '../../server/src/plugins/plugin-state-store';
import { workerIndexForScope } from '../../server/src/plugins/scope-hash';
import { DEFAULT_OUTBOUND_DENY } from '../../server/src/config/outbound-rules';

/** Scratch folders of plugin packages: links to the built test plugins, or packages written on the spot. */
export class PluginFolders {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'baton-plugins-'));

  /** A folder holding the named test plugins (as links) and the given written packages (file name → content). */
  folder(name: string, testPlugins: string[], written: Record<string, Record<string, string>> = {}): string {
    const dir = path.join(this.root, name);
    mkdirSync(dir);
    for (const plugin of testPlugins) symlinkSync(path.join(__dirname, plugin), path.join(dir, plugin), 'dir');
    for (const [pkg, files] of Object.entries(written)) {
      mkdirSync(path.join(dir, pkg));
      for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, pkg, file), content);
    }
    return dir;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A plugin package's manifest, as written into a scratch folder. */
export function manifest(baton: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ name: 'scratch-plugin', version: '1.0.0', ...extra, baton });
}

/** A pino logger whose lines the test can read. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/**
 * Generous deadlines for everything that should succeed: they only cost time when a test fails,
 * and a busy machine may take seconds to start a worker. A test that proves a timeout fires sets
 * its own short one, on a host whose calls are meant never to finish.
 */
export const GENEROUS_MS = 60_000;

/** Host options for tests; restarts come quickly so crash tests stay fast. */
export function hostOptions(overrides: Partial<PluginHostOptions> & Pick<PluginHostOptions, 'bundledDir'>): PluginHostOptions {
  return {
    externalDir: null,
    workersPerPlugin: 2,
    callTimeoutMs: GENEROUS_MS,
    maxHeapMb: 64,
    http: {
      connectTimeoutMs: GENEROUS_MS,
      idleTimeoutMs: GENEROUS_MS,
      maxBytes: 10 * 1024 * 1024,
      maxDecompressedBytes: 10 * 1024 * 1024,
      maxRedirects: 3,
      userAgent: 'baton-test',
      fileRoots: [],
      outbound: { deny: DEFAULT_OUTBOUND_DENY, allow: [] },
    },
    restart: { maxCrashes: 5, windowMs: 10 * GENEROUS_MS, initialBackoffMs: 20, maxBackoffMs: 100 },
    readyTimeoutMs: GENEROUS_MS,
    ...overrides,
  };
}

/** A store that remembers every call it received. */
export class RecordingStore implements PluginStateStore {
  readonly calls: { op: string; scope: string; key: string }[] = [];
  readonly inner = new MemoryPluginStateStore();

  get(scope: string, key: string): Promise<string | null> {
    this.calls.push({ op: 'get', scope, key });
    return this.inner.get(scope, key);
  }

  set(scope: string, key: string, value: string): Promise<void> {
    this.calls.push({ op: 'set', scope, key });
    return this.inner.set(scope, key, value);
  }

  delete(scope: string, key: string): Promise<void> {
    this.calls.push({ op: 'delete', scope, key });
    return this.inner.delete(scope, key);
  }

  snapshot(scope: string, limits: SnapshotLimits): Promise<StoreSnapshot> {
    this.calls.push({ op: 'snapshot', scope, key: '' });
    return this.inner.snapshot(scope, limits);
  }
}

/** Two repository ids that the host sends to different workers of a two-worker plugin. */
export function scopesOnDifferentWorkers(): [string, string] {
  const candidates = Array.from({ length: 50 }, (_, i) => `repository-${i}`);
  const first = candidates.find((scope) => workerIndexForScope(scope, 2) === 0) as string;
  const second = candidates.find((scope) => workerIndexForScope(scope, 2) === 1) as string;
  return [first, second];
}

/** The error a call failed with; fails the test when the call succeeded. */
export async function failure(promise: Promise<unknown>): Promise<PluginCallError> {
  try {
    await promise;
  } catch (error) {
    return error as PluginCallError;
  }
  throw new Error('the call succeeded, but a failure was expected');
}

/** Waits until `condition` holds, checking every 10 ms, for at most `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = GENEROUS_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
