import type { Worker } from 'node:worker_threads';
import type { WireError } from '@baton/plugin-api';
import type { Logger } from 'pino';
import { CrashHistory } from './crash-history';
import { formatDuration } from './format-duration';
import { PluginCallError } from './plugin-call-error';
import type { RestartPolicy } from './plugin-host-options';
import type { PluginInfo, PluginStatus } from './plugin-info';
import { PluginLogForwarder } from './plugin-log-forwarder';
import type { PluginManifest } from './plugin-manifest';
import { combineWorkerMemory, type PluginMemory } from './plugin-memory';
import type { PluginStateStore, StoreSnapshot } from './plugin-state-store';
import type { PluginDescriptor, RequestName, RequestPayloads } from './protocol';
import { workerIndexForScope } from './scope-hash';
import { WorkerSlot } from './worker-slot';

/** What a runtime is built from: the plugin, and the host's settings and services. */
export interface RuntimeSetup {
  manifest: PluginManifest;
  descriptor: PluginDescriptor;
  workers: number;
  callTimeoutMs: number;
  readyTimeoutMs: number;
  maxHeapMb: number;
  maxExternalMb: number;
  restart: RestartPolicy;
  store: PluginStateStore;
  /** Bound to the plugin. */
  logger: Logger;
  launch(maskLine: (line: string) => string): Worker;
  /** Handed on to each worker slot, so a plain function rather than a method. */
  nextCallId: () => number;
  /** The plugin's memory figures changed. */
  memorySampled(memory: PluginMemory | null): void;
}

/**
 * A loaded plugin: its worker slots, where each call goes, and its health. Crashes and hangs of
 * any worker count together; too many within the window and the plugin is failed until restarted.
 */
export class PluginRuntime {
  private readonly slots: WorkerSlot[];
  private readonly crashes: CrashHistory;
  private status: PluginStatus = 'ok';
  private lastError: string | null = null;
  private lastErrorAt: Date | null = null;
  private stopped = false;

  constructor(private readonly setup: RuntimeSetup) {
    this.crashes = new CrashHistory(setup.restart);
    const log = new PluginLogForwarder(setup.logger, setup.descriptor);
    const env = {
      pluginId: setup.descriptor.id,
      callTimeoutMs: setup.callTimeoutMs,
      readyTimeoutMs: setup.readyTimeoutMs,
      maxHeapMb: setup.maxHeapMb,
      maxExternalMb: setup.maxExternalMb,
      store: setup.store,
      log,
      launch: () => setup.launch((line) => log.maskOutput(line)),
      nextCallId: setup.nextCallId,
      crashed: (slot: WorkerSlot, error: WireError) => this.crashed(slot, error),
      recovered: () => this.recovered(),
      recycled: (message: string) => this.recycled(message),
      memoryChanged: () => setup.memorySampled(this.memory()),
    };
    this.slots = Array.from({ length: Math.max(1, setup.workers) }, () => new WorkerSlot(env));
  }

  get id(): string {
    return this.setup.descriptor.id;
  }

  /** Starts every worker; rejects (with every worker stopped) when one does not load. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.slots.map((slot) => slot.start()));
    } catch (error) {
      await this.stopSlots(this.hostError('plugin_not_loaded', `plugin '${this.id}' did not load`));
      throw error;
    }
  }

  /** `store`: the scope's store as the call begins, for the worker to read from (null: read on request). */
  call(name: RequestName, scope: string | null, payload: RequestPayloads[RequestName], store: StoreSnapshot | null = null): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.hostError('host_stopped', `plugin '${this.id}' is stopped: the server is shutting down`));
    if (this.status === 'failed') return Promise.reject(this.hostError('plugin_failed', this.failedMessage()));
    return this.slotFor(scope).call(name, scope, payload, store);
  }

  /** Fresh workers and a clean crash history, whatever the plugin's state. */
  async restart(): Promise<void> {
    await this.stopSlots(this.hostError('plugin_restarted', `plugin '${this.id}' was restarted while the call ran`));
    this.crashes.clear();
    this.status = 'restarting';
    try {
      await Promise.all(this.slots.map((slot) => slot.start()));
      this.status = 'ok';
      this.setup.logger.info('plugin restarted');
    } catch (error) {
      this.recordError(`plugin '${this.id}' could not be restarted: ${(error as Error).message}`);
      this.status = 'failed';
      await this.stopSlots(this.hostError('plugin_failed', this.failedMessage()));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopSlots(this.hostError('host_stopped', `plugin '${this.id}' was stopped while the call ran: the server is shutting down`));
  }

  info(): PluginInfo {
    const { descriptor, manifest } = this.setup;
    return {
      id: descriptor.id,
      displayName: descriptor.displayName,
      version: descriptor.version,
      apiVersion: descriptor.apiVersion,
      source: manifest.source,
      location: manifest.location,
      status: this.status,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      capabilities: { ...descriptor.capabilities },
      repositoryProperties: descriptor.repositoryProperties,
      packageProperties: descriptor.packageProperties,
      settings: descriptor.settings,
      environment: descriptor.environment,
      fetchCredentials: descriptor.fetchCredentials,
      memory: this.memory(),
    };
  }

  private memory(): PluginMemory | null {
    return combineWorkerMemory(this.slots.map((slot) => slot.memory));
  }

  /** A repository's calls always go to the same worker; calls about no repository to the least busy. */
  private slotFor(scope: string | null): WorkerSlot {
    if (scope !== null) return this.slots[workerIndexForScope(scope, this.slots.length)];
    const rank = (slot: WorkerSlot): number => (slot.serving ? 0 : 1_000_000) + slot.load;
    return this.slots.reduce((best, slot) => (rank(slot) < rank(best) ? slot : best));
  }

  private crashed(slot: WorkerSlot, error: WireError): void {
    this.recordError(error.message);
    const count = this.crashes.record();
    if (count >= this.setup.restart.maxCrashes) {
      this.status = 'failed';
      const { windowMs } = this.setup.restart;
      this.setup.logger.error({ crashes: count }, `plugin failed: ${count} crashes or hangs within ${formatDuration(windowMs)}; last: ${error.message}`);
      void this.stopSlots(this.hostError('plugin_failed', this.failedMessage()));
      return;
    }
    const delay = this.crashes.backoffMs();
    this.status = 'restarting';
    this.setup.logger.warn({ crashes: count, restart_in_ms: delay }, error.message);
    slot.restartAfter(delay);
  }

  /** Not a crash: the worker was idle, and holding memory is no fault of a call. */
  private recycled(message: string): void {
    this.recordError(message);
    this.setup.logger.warn(message);
  }

  private recovered(): void {
    if (this.status === 'restarting' && this.slots.every((slot) => slot.serving)) this.status = 'ok';
  }

  private recordError(message: string): void {
    this.lastError = message;
    this.lastErrorAt = new Date();
  }

  private failedMessage(): string {
    return `plugin '${this.id}' has failed and stays stopped until it is restarted; last error: ${this.lastError ?? 'none recorded'}`;
  }

  private hostError(code: string, message: string): PluginCallError {
    return PluginCallError.of(this.id, 'transient', code, message);
  }

  private async stopSlots(error: PluginCallError): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.stop(error)));
  }
}
