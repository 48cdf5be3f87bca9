import type { Worker } from 'node:worker_threads';
import type { WireError } from '@baton/plugin-api';
import { checkedWireError } from './answer-checks';
import { formatDuration } from './format-duration';
import { PluginCallError } from './plugin-call-error';
import type { PluginLogForwarder } from './plugin-log-forwarder';
import { memoryFromWire, type PluginMemory } from './plugin-memory';
import type { PluginStateStore, StoreSnapshot } from './plugin-state-store';
import { answerStoreRequest, refusedStoreRequest } from './plugin-store-access';
import type { HostMessage, RequestName, RequestPayloads, WorkerMessage } from './protocol';
import { awaitReady, describeWorkerError } from './worker-ready';

/** Longest wait, after a timed-out call was cancelled, before its worker counts as hung. */
const MAX_CANCEL_GRACE_MS = 2000;
/** Samples in a row above the external limit, the last one idle, after which a worker is replaced. */
const HIGH_EXTERNAL_SAMPLES = 2;
const MIB = 1024 * 1024;

/** What a slot needs from its plugin's runtime. */
export interface SlotEnvironment {
  pluginId: string;
  callTimeoutMs: number;
  readyTimeoutMs: number;
  maxHeapMb: number;
  /** Memory outside the JavaScript heap the worker may keep once its calls are done. */
  maxExternalMb: number;
  store: PluginStateStore;
  log: PluginLogForwarder;
  launch(): Worker;
  nextCallId(): number;
  /** The worker died or hung and its calls have failed; the runtime decides what comes next. */
  crashed(slot: WorkerSlot, error: WireError): void;
  /** A replacement worker is serving. */
  recovered(slot: WorkerSlot): void;
  /** An idle worker was replaced because it held too much memory outside its heap. */
  recycled(message: string): void;
  /** The worker reported its memory, or a worker (and its figures) is gone. */
  memoryChanged(): void;
}

interface SlotCall {
  id: number;
  name: RequestName;
  scope: string | null;
  payload: RequestPayloads[RequestName];
  store: StoreSnapshot | null;
  resolve(answer: unknown): void;
  reject(error: PluginCallError): void;
  timer: NodeJS.Timeout;
  grace?: NodeJS.Timeout;
}

type Phase = 'down' | 'starting' | 'serving' | 'stopped';

/**
 * One of a plugin's worker threads, and its replacements: calls wait here while it (re)starts,
 * time out, are cancelled; a crashed or hung worker fails the calls it held and is reported.
 */
export class WorkerSlot {
  private worker: Worker | null = null;
  private phase: Phase = 'down';
  private readonly waiting: SlotCall[] = [];
  private readonly sent = new Map<number, SlotCall>();
  /** Timed out and cancelled, but the worker has not let go of them yet. */
  private readonly cancelled = new Map<number, SlotCall>();
  private restartTimer: NodeJS.Timeout | null = null;
  private workerMemory: PluginMemory | null = null;
  private highExternalSamples = 0;

  constructor(private readonly env: SlotEnvironment) {}

  get serving(): boolean {
    return this.phase === 'serving';
  }

  /**
   * New calls go to the worker only while it is serving and has let go of every timed-out call:
   * a worker that may be hung gets no more work, so calls that arrive meanwhile wait for it to
   * recover or for its replacement instead of failing with it.
   */
  private get accepting(): boolean {
    return this.phase === 'serving' && this.cancelled.size === 0;
  }

  /** The current worker's latest memory sample and peak; a new worker starts afresh. */
  get memory(): PluginMemory | null {
    return this.workerMemory;
  }

  /** Calls this slot holds, waiting or running: how busy it is. */
  get load(): number {
    return this.waiting.length + this.sent.size + this.cancelled.size;
  }

  /** Starts a worker; `false` when the slot was stopped meanwhile. Rejects when the plugin does not load. */
  async start(): Promise<boolean> {
    const worker = this.env.launch();
    this.worker = worker;
    this.phase = 'starting';
    this.highExternalSamples = 0;
    this.setMemory(null);
    worker.on('message', (message: WorkerMessage) => this.received(worker, message));
    worker.on('error', (error: Error) => this.died(worker, error));
    worker.on('exit', (code: number) => this.died(worker, code));
    try {
      const { id } = await awaitReady(worker, this.env.readyTimeoutMs);
      // The package may have been replaced on disk since the host first loaded it.
      if (id !== this.env.pluginId) throw new Error(`the plugin now calls itself '${id}'`);
    } catch (error) {
      if (this.worker !== worker) return false;
      this.worker = null;
      this.phase = 'down';
      void worker.terminate();
      throw error;
    }
    if (this.worker !== worker) return false;
    this.phase = 'serving';
    for (const call of this.waiting.splice(0)) this.send(call);
    return true;
  }

  call(name: RequestName, scope: string | null, payload: RequestPayloads[RequestName], store: StoreSnapshot | null = null): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const call: SlotCall = {
        id: this.env.nextCallId(),
        name,
        scope,
        payload,
        store,
        resolve,
        reject,
        timer: setTimeout(() => this.expired(call), this.env.callTimeoutMs),
      };
      if (this.accepting) this.send(call);
      else this.waiting.push(call);
    });
  }

  restartAfter(delayMs: number): void {
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start().then(
        (serving) => serving && this.env.recovered(this),
        (error: Error) => this.failedToRestart(error),
      );
    }, delayMs);
  }

  /** Terminates the worker for good (until the next `start`); every call held fails with `error`. */
  async stop(error: PluginCallError): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.phase = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    for (const call of this.waiting.splice(0)) settle(call, () => call.reject(error));
    this.failHeld(error);
    this.setMemory(null);
    if (worker) await worker.terminate();
  }

  private send(call: SlotCall): void {
    this.sent.set(call.id, call);
    this.env.log.callStarted(call.id, call.payload);
    try {
      this.post({ v: 1, type: 'request', id: call.id, name: call.name, scope: call.scope, payload: call.payload, store: call.store });
    } catch (error) {
      this.sent.delete(call.id);
      const message = `a ${call.name} request for plugin '${this.env.pluginId}' could not be sent: ${(error as Error).message}`;
      settle(call, () => call.reject(PluginCallError.of(this.env.pluginId, 'bug', 'unsendable_request', message)));
    }
  }

  private expired(call: SlotCall): void {
    const { pluginId, callTimeoutMs } = this.env;
    call.reject(
      PluginCallError.of(pluginId, 'transient', 'timeout', `plugin '${pluginId}' did not answer ${call.name} within ${formatDuration(callTimeoutMs)}`),
    );
    const index = this.waiting.indexOf(call);
    if (index >= 0) this.waiting.splice(index, 1);
    if (!this.sent.delete(call.id)) return;
    this.cancelled.set(call.id, call);
    this.post({ v: 1, type: 'cancel', id: call.id });
    call.grace = setTimeout(() => this.hung(call), Math.min(MAX_CANCEL_GRACE_MS, callTimeoutMs));
  }

  private hung(call: SlotCall): void {
    if (!this.cancelled.delete(call.id)) return;
    this.crash('worker_hung', `plugin '${this.env.pluginId}' worker hung in ${call.name} and was replaced`);
  }

  private received(worker: Worker, message: WorkerMessage): void {
    if (worker !== this.worker) return;
    // The first sample follows `ready` closely and may arrive before the slot counts as serving.
    const sample = message.type === 'memory' ? message : message.type === 'response' ? message.memory : undefined;
    if (sample !== undefined) this.setMemory(memoryFromWire(sample) ?? this.workerMemory);
    if (this.phase !== 'serving') return;
    // A response's sample is checked while its call still counts as running.
    if (sample !== undefined) this.checkExternalMemory();
    if (message.type === 'response') this.answered(message);
    else if (message.type === 'store') this.storeRequested(worker, message);
    else if (message.type === 'log') this.env.log.forward(message, this.heldCall(message.request_id));
  }

  private answered(response: Extract<WorkerMessage, { type: 'response' }>): void {
    const late = this.cancelled.get(response.id);
    if (late) {
      clearTimeout(late.grace);
      this.cancelled.delete(response.id);
      if (this.accepting) for (const waiting of this.waiting.splice(0)) this.send(waiting);
    }
    this.env.log.callEnded(response.id);
    const call = this.sent.get(response.id);
    if (!call) return;
    this.sent.delete(response.id);
    settle(call, () => (response.ok ? call.resolve(response.result) : call.reject(new PluginCallError(this.env.pluginId, checkedWireError(response.error)))));
  }

  private storeRequested(worker: Worker, request: Extract<WorkerMessage, { type: 'store' }>): void {
    const call = this.sent.get(request.request_id);
    const reply =
      call && call.scope !== null
        ? answerStoreRequest(this.env.store, call.scope, request)
        : Promise.resolve(refusedStoreRequest(request, 'the store is only available during a call about a saved repository'));
    void reply.then((answer) => {
      if (this.worker === worker) worker.postMessage(answer);
    });
  }

  private died(worker: Worker, cause: Error | number): void {
    if (worker !== this.worker || this.phase !== 'serving') return;
    const { pluginId, maxHeapMb } = this.env;
    // Checked by type, not `instanceof Error`: the error may come from another realm.
    if (typeof cause !== 'number' && (cause as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
      this.crash('worker_out_of_memory', `plugin '${pluginId}' worker ran out of memory (heap limit ${maxHeapMb} MB)`);
      return;
    }
    const what = typeof cause === 'number' ? `it exited with code ${cause}` : describeWorkerError(cause);
    this.crash('worker_crashed', `plugin '${pluginId}' worker crashed: ${what}`);
  }

  /**
   * Buffers and native memory are outside the heap limit: a worker that still holds more than
   * allowed in consecutive samples, the last taken after its calls ended, is replaced while idle.
   */
  private checkExternalMemory(): void {
    const external = this.workerMemory?.externalBytes ?? 0;
    const limit = this.env.maxExternalMb * MIB;
    this.highExternalSamples = external > limit ? this.highExternalSamples + 1 : 0;
    if (this.highExternalSamples < HIGH_EXTERNAL_SAMPLES || this.load > 0) return;
    const held = Math.round(external / MIB);
    this.env.recycled(
      `plugin '${this.env.pluginId}' worker held ${held} MB outside its heap after its calls (limit ${this.env.maxExternalMb} MB, BATON_PLUGIN_MAX_EXTERNAL_MB) and was replaced`,
    );
    this.replaceIdle();
  }

  private replaceIdle(): void {
    const worker = this.worker;
    this.worker = null;
    this.phase = 'down';
    if (worker) void worker.terminate();
    this.setMemory(null);
    this.start().then(
      (serving) => serving && this.env.recovered(this),
      (error: Error) => this.failedToRestart(error),
    );
  }

  private crash(code: string, message: string): void {
    const worker = this.worker;
    this.worker = null;
    this.phase = 'down';
    if (worker) void worker.terminate();
    this.setMemory(null);
    const wire: WireError = { kind: 'transient', code, message, retry_after_seconds: null };
    this.failHeld(new PluginCallError(this.env.pluginId, wire));
    this.env.crashed(this, wire);
  }

  private failedToRestart(error: Error): void {
    if (this.phase === 'stopped') return;
    const message = `plugin '${this.env.pluginId}' worker could not be restarted: ${error.message}`;
    this.env.crashed(this, { kind: 'transient', code: 'worker_crashed', message, retry_after_seconds: null });
  }

  private failHeld(error: PluginCallError): void {
    for (const id of [...this.sent.keys(), ...this.cancelled.keys()]) this.env.log.callEnded(id);
    for (const call of this.sent.values()) settle(call, () => call.reject(error));
    for (const call of this.cancelled.values()) clearTimeout(call.grace);
    this.sent.clear();
    this.cancelled.clear();
  }

  private setMemory(memory: PluginMemory | null): void {
    if (memory === this.workerMemory) return;
    this.workerMemory = memory;
    this.env.memoryChanged();
  }

  private heldCall(requestId: number | undefined): SlotCall | undefined {
    return requestId === undefined ? undefined : (this.sent.get(requestId) ?? this.cancelled.get(requestId));
  }

  private post(message: HostMessage): void {
    this.worker?.postMessage(message);
  }
}

function settle(call: SlotCall, action: () => void): void {
  clearTimeout(call.timer);
  action();
}
