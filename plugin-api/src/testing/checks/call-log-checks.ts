import { toWireError } from '../../errors';
import type { ConformanceCheck } from './conformance-check';
import { always } from './conformance-check';

/** Everything the plugin threw, in every call of the run, was a TransientError or a PermanentError. */
export const errorsClassifiedCheck: ConformanceCheck = {
  name: 'errors-classified',
  title: 'every error the plugin threw is a TransientError or a PermanentError',
  applies: always,
  maxCalls: () => 0,
  async run(run) {
    return run.caller.records
      .filter((r) => r.status === 'threw' && toWireError(r.error).kind === 'bug')
      .map((r) => `${r.operation} for ${r.about} threw an unclassified error (a bug): ${toWireError(r.error).message}`);
  },
};

/** Every call of the run finished before its timeout. */
export const withinTimeoutCheck: ConformanceCheck = {
  name: 'within-timeout',
  title: 'every call finishes within the timeout',
  applies: always,
  maxCalls: () => 0,
  async run(run) {
    return run.caller.records
      .filter((r) => r.status === 'timed-out')
      .map((r) => `${r.operation} for ${r.about} did not finish within ${run.caller.timeoutMs} ms (stop when ctx.signal aborts)`);
  },
};
