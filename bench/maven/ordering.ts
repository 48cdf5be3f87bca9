import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { allowedVersions } from '@baton/plugin-maven/dist/artifact-choice';
import { selectionOf } from '@baton/plugin-maven/dist/config';
import { GROUP } from './generated-repository';
import { versionMix } from './version-mix';

export const ORDERED_VERSIONS = 10_000;
/** A poll may run in a worker thread that has ordered nothing yet, so the first call counts: measured in this many fresh processes. */
export const FRESH_PROCESSES = 7;
export const WARM_ORDERINGS = 20;

/** One call: milliseconds of wall time, and of CPU time of the whole process (its compiler and collector threads too). */
export interface OrderingCall {
  ms: number;
  cpuMs: number;
}

/** The first call in each fresh process, and the warm calls' milliseconds in this process. */
export interface Ordering {
  first: OrderingCall[];
  warmMs: number[];
}

/**
 * A timer of the plugin's own ordering (parse, filter by the default selection, then the highest
 * first, as a poll asks) of 10,000 versions in deploy order; the versions are made before it runs.
 */
export function orderingTimer(): () => OrderingCall {
  const metadata = { versions: versionMix(ORDERED_VERSIONS, 1), lastUpdated: null };
  const selection = selectionOf({ GROUP_ID: GROUP, ARTIFACT_ID: 'ordered' });
  return () => {
    const cpuAtStart = process.cpuUsage();
    const startedAt = performance.now();
    // What a poll asks for: the highest allowed version (the rest are ordered only if it is missing).
    allowedVersions(metadata, selection).next();
    const ms = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuAtStart);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
}

function firstCallInFreshProcess(): OrderingCall {
  const printed = execFileSync(process.execPath, [path.join(__dirname, 'first-ordering.js')], { encoding: 'utf8' });
  const call = JSON.parse(printed) as Partial<OrderingCall>;
  if (typeof call.ms !== 'number' || typeof call.cpuMs !== 'number')
    throw new Error(`first-ordering.js printed '${printed.trim()}', not the milliseconds of a call`);
  return { ms: call.ms, cpuMs: call.cpuMs };
}

/** The first call in each of several fresh processes, one after the other, then warm calls in this one. */
export function measureOrdering(): Ordering {
  const first = Array.from({ length: FRESH_PROCESSES }, firstCallInFreshProcess);
  const time = orderingTimer();
  time();
  const warmMs = Array.from({ length: WARM_ORDERINGS }, () => time().ms);
  return { first, warmMs };
}
