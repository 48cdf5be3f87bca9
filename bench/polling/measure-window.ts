import type { BatonApi } from './baton-api';
import type { BatonProcess } from './baton-process';
import type { EventWatch } from './event-watch';
import type { FakeRepositoriesProcess } from './fake-repositories-process';
import { histogram, histogramDelta, total, type Histogram } from './prometheus';

/** A version published during the window for one package, to be found by its scheduled poll. */
export interface Publication {
  repository: number;
  packageIndex: number;
  packageId: string;
}

/** What the measured window saw. */
export interface WindowFacts {
  fromMs: number;
  untilMs: number;
  polls: number;
  failedPolls: number;
  cpuSeconds: number;
  fakeCpuSeconds: number;
  serverLag: Histogram;
  /** Request arrivals at the fake server, from the window's start until a tail after its end. */
  requests: [number, number][];
  requestsInWindow: number;
  /** Publish → event arrival, seconds; null when the event did not come. */
  publicationLatencies: Promise<(number | null)[]>;
}

export interface WindowParts {
  api: BatonApi;
  baton: BatonProcess;
  fake: FakeRepositoriesProcess;
  watch: EventWatch;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** Requests keep being logged this long after the window, so that its last slots find the poll that served them. */
export const TAIL_MS = 10_000;

/**
 * The steady state: counts polls, CPU and the server's lag histogram over `durationSeconds`,
 * while publishing versions at even times for scheduled polls to find.
 */
export async function measureWindow(parts: WindowParts, durationSeconds: number, intervalSeconds: number, publications: Publication[]): Promise<WindowFacts> {
  const { api, baton, fake, watch } = parts;
  const before = await api.scrape();
  const cpuBefore = baton.cpuSeconds();
  const fakeBefore = (await fake.report()).cpuSeconds;
  const fromMs = Date.now();
  const durationMs = durationSeconds * 1000;
  const latencies = publications.map(async (publication, k) => {
    await sleep(fromMs + ((k + 1) * durationMs) / (publications.length + 1) - Date.now());
    const version = `2.0.${k}`;
    const publishedAt = await fake.publish(publication.repository, publication.packageIndex, version);
    const arrived = await watch.arrival(publication.packageId, version, (intervalSeconds + 30) * 1000);
    return arrived === null ? null : (arrived - publishedAt) / 1000;
  });
  await sleep(fromMs + durationMs - Date.now());
  const after = await api.scrape();
  const cpuAfter = baton.cpuSeconds();
  const untilMs = Date.now();
  const inWindow = await fake.report();
  await sleep(TAIL_MS);
  const tail = await fake.report();
  const failed = (s: typeof before) =>
    [...s].filter(([k]) => k.startsWith('baton_polls_total{') && k.includes('outcome="failed"')).reduce((a, [, v]) => a + v, 0);
  return {
    fromMs,
    untilMs,
    polls: total(after, 'baton_polls_total') - total(before, 'baton_polls_total'),
    failedPolls: failed(after) - failed(before),
    cpuSeconds: cpuAfter - cpuBefore,
    fakeCpuSeconds: inWindow.cpuSeconds - fakeBefore,
    serverLag: histogramDelta(histogram(before, 'baton_scheduling_lag_seconds'), histogram(after, 'baton_scheduling_lag_seconds')),
    requests: [...inWindow.requests, ...tail.requests],
    requestsInWindow: inWindow.requests.length,
    publicationLatencies: Promise.all(latencies),
  };
}
