import type { BatonApi } from './baton-api';
import type { EventWatch } from './event-watch';
import type { FakeRepositoriesProcess } from './fake-repositories-process';
import type { Publication } from './measure-window';

/** Time to wait for one hinted revision's event before calling it lost. */
const HINT_TIMEOUT_MS = 15_000;
/** Hints are spread out, so that each meets the steady polling rather than the previous hint. */
const PAUSE_MS = 1_500;

export interface HintTarget extends Publication {
  repositoryId: string;
}

/**
 * For each target in turn: publish a new version, send the repository's signed refresh hint at
 * once, and time publish → the revision's event on the stream (null: it never came).
 */
export async function measureHints(api: BatonApi, fake: FakeRepositoriesProcess, watch: EventWatch, targets: HintTarget[]): Promise<(number | null)[]> {
  const secrets = await Promise.all(targets.map((t) => api.hookSecret(t.repositoryId)));
  const latencies: (number | null)[] = [];
  for (const [h, target] of targets.entries()) {
    const version = `3.0.${h}`;
    const publishedAt = await fake.publish(target.repository, target.packageIndex, version);
    await api.hint(target.repositoryId, secrets[h]);
    const arrived = await watch.arrival(target.packageId, version, HINT_TIMEOUT_MS);
    latencies.push(arrived === null ? null : (arrived - publishedAt) / 1000);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  return latencies;
}
