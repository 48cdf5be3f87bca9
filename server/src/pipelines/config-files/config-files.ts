import fs from 'node:fs';
import type { Logger } from 'pino';
import type { ConfigFileSync } from './config-file-sync';
import { readConfigFolder } from './config-file-reader';
import type { ConfigFileStatus } from './config-file-status';

export interface ConfigFilesOptions {
  /** Null: no configuration folder; the component then does nothing. */
  dir: string | null;
  /** Quiet time after a change before the folder is read: editors write a file in several steps. */
  debounceMs?: number;
  /** A full rescan this often, in case the file system missed telling us (network mounts, containers). */
  rescanMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 300;
const DEFAULT_RESCAN_MS = 30_000;

/**
 * Pipelines as code: loads the YAML files of the configuration folder at start, and again after
 * every change (watched, and rescanned periodically); keeps what each file put in force.
 */
export class ConfigFiles {
  private readonly byFile = new Map<string, ConfigFileStatus>();
  /** The hash of the version in force from each file, and when this process loaded it. */
  private readonly loaded = new Map<string, { hash: string; at: Date }>();
  private watcher: fs.FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private interval: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private pending = false;
  private stopped = false;
  private missing = false;

  constructor(
    private readonly options: ConfigFilesOptions,
    private readonly sync: ConfigFileSync,
    private readonly logger: Logger,
  ) {}

  /** Loads the folder once before answering, so the pipelines are there when the server is. */
  async start(): Promise<void> {
    if (this.options.dir === null) return;
    this.stopped = false;
    await this.rescan();
    const dir = this.options.dir;
    this.watch(dir);
    this.interval = setInterval(() => {
      if (!this.watcher) this.watch(dir);
      void this.rescan();
    }, this.options.rescanMs ?? DEFAULT_RESCAN_MS);
    this.interval.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.interval) clearInterval(this.interval);
    this.watcher?.close();
    this.watcher = null;
    await this.scanning;
  }

  statuses(): ConfigFileStatus[] {
    return [...this.byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
  }

  /** Reads and applies the folder; a call during a scan makes one more scan follow it. */
  rescan(): Promise<void> {
    const dir = this.options.dir;
    if (dir === null) return Promise.resolve();
    if (this.scanning) {
      this.pending = true;
      return this.scanning;
    }
    this.scanning = this.scanWhilePending(dir).finally(() => (this.scanning = null));
    return this.scanning;
  }

  private async scanWhilePending(dir: string): Promise<void> {
    do {
      this.pending = false;
      try {
        await this.scanOnce(dir);
      } catch (error) {
        this.logger.error({ err: error, dir }, 'the configuration folder could not be applied; trying again at the next change or rescan');
      }
    } while (this.pending && !this.stopped);
  }

  private async scanOnce(dir: string): Promise<void> {
    const files = await readConfigFolder(dir);
    // An unmounted or misnamed folder must not read as "every file was deleted".
    if (files === null) {
      if (!this.missing) this.logger.warn({ dir }, 'the configuration folder does not exist: its pipelines stay as they are until it does');
      this.missing = true;
      return;
    }
    this.missing = false;
    const reports = await this.sync.apply(files);
    const checkedAt = new Date();
    const hashes = new Map(files.map((f) => [f.file, f.hash]));
    const before = new Map(this.byFile);
    this.byFile.clear();
    for (const report of reports) {
      const status = report.errors ? 'invalid' : 'ok';
      this.noteLoaded(report.file, status === 'ok' ? hashes.get(report.file) : undefined, checkedAt);
      const previous = before.get(report.file);
      this.byFile.set(report.file, { ...report, status, loadedAt: this.loaded.get(report.file)?.at ?? null, checkedAt });
      if (status === 'invalid' && JSON.stringify(previous?.errors) !== JSON.stringify(report.errors)) {
        this.logger.warn({ file: report.file, errors: report.errors }, 'a pipeline file is not valid: its last good version stays in force');
      }
    }
    for (const file of this.loaded.keys()) if (!hashes.has(file)) this.loaded.delete(file);
  }

  private noteLoaded(file: string, hash: string | undefined, at: Date): void {
    if (hash === undefined || this.loaded.get(file)?.hash === hash) return;
    this.loaded.set(file, { hash, at });
    this.logger.info({ file }, 'pipeline file loaded');
  }

  private watch(dir: string): void {
    try {
      this.watcher = fs.watch(dir, () => this.changed());
      // The HTTP server keeps the process alive; a watcher alone must not.
      this.watcher.unref();
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (error) {
      this.logger.warn({ err: error, dir }, 'the configuration folder cannot be watched; it is rescanned periodically');
    }
  }

  private changed(): void {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.rescan(), this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }
}
