import type { PluginMemory } from './plugin-memory';
import type { HttpClientSettings } from './protocol';

/** When a crashing or hanging plugin is restarted, and when the host gives up on it. */
export interface RestartPolicy {
  /** Crashes or hangs within `windowMs` after which the plugin is marked failed. */
  maxCrashes: number;
  windowMs: number;
  /** Delay before the first restart; it doubles with each further crash in the window. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface PluginHostOptions {
  /** Folder of the plugin packages shipped with the server; they are loaded first and win id clashes. */
  bundledDir: string;
  /** Folder of plugin packages the operator added (`BATON_PLUGINS_DIR`), if any. */
  externalDir: string | null;
  /** Worker threads per plugin (`BATON_PLUGIN_WORKERS`). */
  workersPerPlugin: number;
  callTimeoutMs: number;
  /** Old-generation heap limit of each worker. */
  maxHeapMb: number;
  http: HttpClientSettings;
  restart?: RestartPolicy;
  /** Variables added to every worker's otherwise minimal environment. */
  extraWorkerEnv?: Record<string, string>;
  /** How long a new worker may take to load its plugin. Default 30 s. */
  readyTimeoutMs?: number;
  /** How often a worker samples its memory while a call runs (`BATON_PLUGIN_MEMORY_SAMPLE_MS`). Default 250 ms. */
  memorySampleMs?: number;
  /**
   * Memory outside the JavaScript heap (buffers, native objects) a worker may keep after a call
   * (`BATON_PLUGIN_MAX_EXTERNAL_MB`); the heap limit does not bound it. Default 512.
   */
  maxExternalMb?: number;
  observer?: PluginHostObserver;
}

/** What the host tells whoever watches it (metrics), without knowing who that is. */
export interface PluginHostObserver {
  /** A plugin's memory figures changed; null when none of its workers has reported. */
  memorySampled(pluginId: string, memory: PluginMemory | null): void;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxCrashes: 5,
  windowMs: 10 * 60 * 1000,
  initialBackoffMs: 1000,
  maxBackoffMs: 30000,
};

export const DEFAULT_READY_TIMEOUT_MS = 30000;

export const DEFAULT_MEMORY_SAMPLE_MS = 250;

export const DEFAULT_MAX_EXTERNAL_MB = 512;
