import type { BatonApi } from '../polling/baton-api';
import { pluginMemory, timedPoll, type PluginMemory, type TimedPoll } from '../polling/plugin-polls';
import type { WatchedPackage } from './distribution';

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
  poll(): Promise<TimedPoll> {
    return timedPoll(this.api, this.repositoryId, (id) => this.specOf.get(id) ?? id);
  }

  memory(): Promise<PluginMemory> {
    return pluginMemory(this.api, 'yum');
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
