import type { WorkerMemorySample } from './protocol';

/**
 * Memory of a plugin's workers, as sampled inside them, in bytes. For one worker: its latest
 * sample and the most it held since it started. For a plugin: the latest samples of its workers
 * added up (what the plugin holds now), and the highest peak of any one of them (what to compare
 * with the per-worker heap limit).
 */
export interface PluginMemory {
  heapUsedBytes: number;
  /** Memory of C++ objects bound to JavaScript objects; includes `arrayBuffersBytes`. */
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Heap used plus external (array buffers are part of external). */
  peakTotalBytes: number;
  sampledAt: Date;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** A worker's sample as the host keeps it; null for a message that is not a sample (plugin code shares the thread). */
export function memoryFromWire(sample: WorkerMemorySample): PluginMemory | null {
  const { heap_used, external, array_buffers, peak_total, sampled_at } = sample;
  const sampledAt = new Date(typeof sampled_at === 'string' ? sampled_at : Number.NaN);
  if (![heap_used, external, array_buffers, peak_total].every(isCount) || Number.isNaN(sampledAt.getTime())) return null;
  return { heapUsedBytes: heap_used, externalBytes: external, arrayBuffersBytes: array_buffers, peakTotalBytes: peak_total, sampledAt };
}

/** The plugin's figures from its workers' (null: not sampled yet). */
export function combineWorkerMemory(workers: readonly (PluginMemory | null)[]): PluginMemory | null {
  const sampled = workers.filter((memory): memory is PluginMemory => memory !== null);
  if (sampled.length === 0) return null;
  const sum = (pick: (memory: PluginMemory) => number): number => sampled.reduce((total, memory) => total + pick(memory), 0);
  return {
    heapUsedBytes: sum((m) => m.heapUsedBytes),
    externalBytes: sum((m) => m.externalBytes),
    arrayBuffersBytes: sum((m) => m.arrayBuffersBytes),
    peakTotalBytes: Math.max(...sampled.map((m) => m.peakTotalBytes)),
    sampledAt: new Date(Math.max(...sampled.map((m) => m.sampledAt.getTime()))),
  };
}
