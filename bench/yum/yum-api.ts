import { performance } from 'node:perf_hooks';
import type { BatonApi } from '../polling/baton-api';
import type { WatchedPackage } from './distribution';

/** The memory figures of `GET /api/plugins/:id`. */
export interface PluginMemory {
  heap_used_bytes: number;
  external_bytes: number;
  array_buffers_bytes: number;
  peak_total_bytes: number;
  sampled_at: string;
}

/** One package's part of a poll's answer. */
export interface PollAnswer {
  package_id: string;
  outcome: string;
  revision?: { revision: string };
  error?: { message: string };
}

/** A poll of the repository: how long the API took to answer, and what each package got. */
export interface TimedPoll {
  seconds: number;
  outcomes: Map<string, PollAnswer>;
}

/** The benchmark's repository and packages in Baton, through the API. */
export class YumApi {
  private repositoryId = '';
  private readonly specOf = new Map<string, string>();

  constructor(private readonly api: BatonApi) {}

  /** Registers the repository and one package per watched spec, none polled by the scheduler. */
  async register(repositoryUrl: string, watched: WatchedPackage[]): Promise<void> {
    const repository = { name: 'bench-yum', plugin_id: 'yum', configuration: [{ key: 'REPO_URL', value: repositoryUrl }] };
    this.repositoryId = (await this.api.json<{ id: string }>('POST', '/api/repositories', repository, 201)).id;
    for (const [i, { spec }] of watched.entries()) {
      const body = {
        name: `watched-${i}`,
        repository_id: this.repositoryId,
        configuration: [{ key: 'PACKAGE_SPEC', value: spec }],
        auto_update: false,
      };
      this.specOf.set((await this.api.json<{ id: string }>('POST', '/api/packages', body, 201)).id, spec);
    }
  }

  /** `POST /api/repositories/:id/poll?wait=300`, timed; outcomes by spec. */
  async poll(): Promise<TimedPoll> {
    const startedAt = performance.now();
    const answer = await this.api.json<{ packages: PollAnswer[] }>('POST', `/api/repositories/${this.repositoryId}/poll?wait=300`);
    const seconds = (performance.now() - startedAt) / 1000;
    return { seconds, outcomes: new Map(answer.packages.map((p) => [this.specOf.get(p.package_id) ?? p.package_id, p])) };
  }

  async memory(): Promise<PluginMemory> {
    const plugin = await this.api.json<{ memory: PluginMemory | null }>('GET', '/api/plugins/yum');
    if (plugin.memory === null) throw new Error('the yum plugin reports no memory figures');
    return plugin.memory;
  }
}

/** Throws unless every watched spec got `outcome`, and its expected revision when one is new. */
export function checkOutcomes(poll: TimedPoll, watched: WatchedPackage[], outcome: 'new_revision' | 'no_change'): void {
  for (const { spec, expected } of watched) {
    const answer = poll.outcomes.get(spec);
    const got = answer?.revision?.revision ?? answer?.error?.message ?? answer?.outcome ?? 'nothing';
    if (answer?.outcome !== outcome || (outcome === 'new_revision' && got !== expected)) {
      throw new Error(`spec '${spec}': wanted ${outcome}${outcome === 'new_revision' ? ` ${expected}` : ''}, got ${answer?.outcome ?? 'no answer'} (${got})`);
    }
  }
}
