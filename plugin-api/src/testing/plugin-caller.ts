import type { Configuration } from '../configuration';
import type { SettingValue } from '../context';
import { TransientError, toWireError } from '../errors';
import { createTestContext, type TestContext } from './create-test-context';
import { MemoryKeyValueStore } from './memory-key-value-store';

/** How one call to the plugin ended. */
export type CallOutcome = { status: 'returned'; value: unknown } | { status: 'threw'; error: unknown } | { status: 'timed-out' } | { status: 'missing' };

/** One call or batch answer, kept for the checks that look at every call. */
export interface CallRecord {
  operation: string;
  about: string;
  status: 'returned' | 'threw' | 'timed-out';
  error?: unknown;
}

/** Operations whose last argument is the context. */
const WITH_CONTEXT = new Set(['checkRepositoryConnection', 'checkPackageConnection', 'latestRevision', 'latestRevisionSince', 'latestRevisionsSince']);

const TIMED_OUT = Symbol('timed out');

/**
 * Calls a plugin's operations the way the host does: as methods of the definition, with a fresh
 * context whose signal aborts at the timeout, and a store per repository that lives for the run.
 * Never throws: how a call ended is its outcome.
 */
export class PluginCaller {
  readonly records: CallRecord[] = [];
  readonly logLines: string[] = [];
  private readonly stores = new Map<string, MemoryKeyValueStore>();

  constructor(
    private readonly plugin: unknown,
    readonly timeoutMs: number,
    private readonly settings: Readonly<Record<string, SettingValue>>,
  ) {}

  async call(operation: string, args: unknown[], about: string): Promise<CallOutcome> {
    const fn = (this.plugin as Record<string, unknown> | null)?.[operation];
    if (typeof fn !== 'function') return { status: 'missing' };
    const controller = new AbortController();
    const fullArgs = WITH_CONTEXT.has(operation) ? [...args, this.context(operation, args[0], controller.signal)] : args;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new TransientError('timeout', `${operation} ran past ${this.timeoutMs} ms`));
        resolve(TIMED_OUT);
      }, this.timeoutMs);
    });
    try {
      const value = await Promise.race([Promise.resolve().then((): unknown => fn.apply(this.plugin, fullArgs)), deadline]);
      return this.record(operation, about, value === TIMED_OUT ? { status: 'timed-out' } : { status: 'returned', value });
    } catch (error) {
      return this.record(operation, about, { status: 'threw', error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** A batch answer's error counts like a thrown one for classification. */
  recordAnswerError(operation: string, about: string, error: unknown): void {
    this.records.push({ operation, about, status: 'threw', error });
  }

  private record(operation: string, about: string, outcome: CallOutcome): CallOutcome {
    if (outcome.status !== 'missing') {
      this.records.push({ operation, about, status: outcome.status, error: outcome.status === 'threw' ? outcome.error : undefined });
    }
    return outcome;
  }

  private context(operation: string, repository: unknown, signal: AbortSignal): TestContext {
    const scope = JSON.stringify(Object.entries((repository ?? {}) as Configuration).sort());
    const store = this.stores.get(scope) ?? new MemoryKeyValueStore();
    this.stores.set(scope, store);
    return createTestContext({ signal, settings: this.settings, store, logLines: this.logLines, logTag: operation });
  }
}

/**
 * Says what went wrong with a call that did not return, or `null` when it returned.
 *
 * @example
 * ```ts
 * outcomeProblem('latestRevision', 'packages[0]', { status: 'timed-out' }, 200);
 * // 'latestRevision for packages[0] did not finish within 200 ms'
 * ```
 */
export function outcomeProblem(operation: string, about: string, outcome: CallOutcome, timeoutMs: number): string | null {
  switch (outcome.status) {
    case 'returned':
      return null;
    case 'missing':
      return `${operation} is not a function`;
    case 'timed-out':
      return `${operation} for ${about} did not finish within ${timeoutMs} ms`;
    case 'threw':
      return `${operation} for ${about} threw ${describeThrown(outcome.error)}`;
  }
}

/**
 * The classification and message of something thrown, for failure messages.
 *
 * @example
 * ```ts
 * describeThrown(new Error('boom')); // 'an unclassified error (a bug): Error: boom'
 * ```
 */
export function describeThrown(error: unknown): string {
  const wire = toWireError(error);
  if (wire.kind === 'bug') return `an unclassified error (a bug): ${wire.message}`;
  return `a ${wire.kind} error ${wire.code}: ${wire.message}`;
}
