import path from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { PROTOCOL_VERSION, type HttpClientSettings, type WorkerStartData } from './protocol';

/**
 * The built worker main, found from the package root: the host may itself run from `src`
 * (under a test runner), but worker threads load plain JavaScript only.
 */
export const WORKER_FILE = path.resolve(__dirname, '..', '..', 'dist', 'plugins', 'plugin-worker.js');

export interface WorkerLaunch {
  entryFile: string;
  describeOnly: boolean;
  env: Record<string, string>;
  maxHeapMb: number;
  http: HttpClientSettings;
  memorySampleMs: number;
  /** Receives what plugin code prints; bound to the plugin. */
  logger: Logger;
  /** Hides secure values in a printed line. */
  maskLine?: (line: string) => string;
}

/** Starts one worker thread for a plugin. Its output goes to the log rather than the server's stdout. */
export function launchPluginWorker(launch: WorkerLaunch): Worker {
  const workerData: WorkerStartData = {
    protocolVersion: PROTOCOL_VERSION,
    entryFile: launch.entryFile,
    describeOnly: launch.describeOnly,
    http: launch.http,
    memorySampleMs: launch.memorySampleMs,
    logLevels: (['debug', 'info', 'warn', 'error'] as const).filter((level) => launch.logger.isLevelEnabled(level)),
  };
  const worker = new Worker(WORKER_FILE, {
    workerData,
    env: launch.env,
    resourceLimits: { maxOldGenerationSizeMb: launch.maxHeapMb },
    stdout: true,
    stderr: true,
  });
  const maskLine = launch.maskLine ?? ((line: string) => line);
  forwardOutput(worker.stdout, launch.logger, 'info', maskLine);
  forwardOutput(worker.stderr, launch.logger, 'warn', maskLine);
  return worker;
}

function forwardOutput(stream: Readable, logger: Logger, level: 'info' | 'warn', maskLine: (line: string) => string): void {
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    for (const line of text.split('\n')) {
      if (line.trim() !== '') logger[level]({ stream: level === 'info' ? 'stdout' : 'stderr' }, maskLine(line));
    }
  });
}
