import type { Worker } from 'node:worker_threads';
import { formatDuration } from './format-duration';
import type { PluginDescriptor, WorkerMessage } from './protocol';

/**
 * Waits for a new worker's `ready` message. Rejects with an error that says why the plugin did
 * not load: its own message, a crash, an exit, or no answer in time (then the worker is stopped).
 */
export function awaitReady(worker: Worker, timeoutMs: number): Promise<PluginDescriptor> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      void worker.terminate();
      reject(new Error(`the plugin did not become ready within ${formatDuration(timeoutMs)}`));
    }, timeoutMs);
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === 'ready') settle(() => resolve(message.descriptor));
      else if (message.type === 'load-failed') settle(() => reject(new Error(message.message)));
    };
    const onError = (error: Error): void => settle(() => reject(new Error(`the plugin crashed while loading: ${describeWorkerError(error)}`)));
    const onExit = (code: number): void => settle(() => reject(new Error(`the plugin's worker exited with code ${code} while loading`)));
    const finish = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    const settle = (action: () => void): void => {
      finish();
      action();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/** What a worker's `error` event says, out-of-memory named as such. */
export function describeWorkerError(error: Error): string {
  if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') return 'it ran out of memory';
  return `${error.name}: ${error.message}`;
}
