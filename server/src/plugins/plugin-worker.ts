/**
 * Main of a plugin's worker thread: loads the plugin, tells the host what it is, then answers
 * requests one message at a time. The host starts it from the built file.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { toWireError, type Configuration, type PluginDefinition, type WireError } from '@baton/plugin-api';
import { resolveSettings } from './plugin-settings';
import { PROTOCOL_VERSION, type HostMessage, type RequestName, type ResponsePayloads, type WorkerStartData } from './protocol';
import { WorkerBridge } from './worker-bridge';
import { WorkerMemorySampler } from './worker-memory-sampler';
import { runOperation } from './worker-operations';
import { describePlugin, loadPluginDefinition } from './worker-plugin-loader';

type RequestMessage = Extract<HostMessage, { type: 'request' }>;

async function main(port: MessagePort, data: WorkerStartData): Promise<void> {
  let plugin: PluginDefinition;
  let bridge: WorkerBridge;
  try {
    if (data.protocolVersion !== PROTOCOL_VERSION) throw new Error(`the host speaks protocol v${data.protocolVersion}, this worker v${PROTOCOL_VERSION}`);
    plugin = await loadPluginDefinition(data.entryFile);
    const settings = data.describeOnly ? {} : resolveSettings(plugin.id, plugin.settings, process.env);
    bridge = new WorkerBridge(port, data.http, Object.freeze(settings), new Set(data.logLevels));
  } catch (error) {
    port.postMessage({ v: 1, type: 'load-failed', message: describeError(error) });
    return;
  }
  bridge.post({ v: 1, type: 'ready', descriptor: describePlugin(plugin) });
  if (data.describeOnly) return;
  const sampler = new WorkerMemorySampler(data.memorySampleMs, (sample) => bridge.post({ v: 1, type: 'memory', ...sample }));
  sampler.sample();
  const calls = new Map<number, AbortController>();
  port.on('message', (message: HostMessage) => {
    if (message.type === 'request') void serve(plugin, bridge, calls, message, sampler);
    else if (message.type === 'cancel') calls.get(message.id)?.abort();
    else if (message.type === 'store-reply') bridge.storeReplied(message);
  });
}

async function serve(
  plugin: PluginDefinition,
  bridge: WorkerBridge,
  calls: Map<number, AbortController>,
  request: RequestMessage,
  sampler: WorkerMemorySampler,
): Promise<void> {
  const controller = new AbortController();
  calls.set(request.id, controller);
  sampler.callStarted();
  const outcome = await runRequest(plugin, bridge, request, controller.signal);
  calls.delete(request.id);
  // The call's memory goes with its answer: the host knows it once it has the answer.
  const memory = sampler.callEnded();
  try {
    bridge.post({ v: 1, type: 'response', id: request.id, ...outcome, memory });
  } catch (error) {
    bridge.post({ v: 1, type: 'response', id: request.id, ok: false, error: toWireError(error), memory });
  }
}

type Outcome = { ok: true; result: ResponsePayloads[RequestName] } | { ok: false; error: WireError };

async function runRequest(plugin: PluginDefinition, bridge: WorkerBridge, request: RequestMessage, signal: AbortSignal): Promise<Outcome> {
  try {
    const ctx = bridge.context(request.id, request.scope, signal, repositoryOf(request.payload), request.store ?? null);
    return { ok: true, result: await runOperation(plugin, request.name, request.payload, ctx) };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}

function repositoryOf(payload: RequestMessage['payload']): Configuration | null {
  return 'repository_configuration' in payload ? payload.repository_configuration : null;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
}

if (parentPort) void main(parentPort, workerData as WorkerStartData);
