import type { BatonApi } from '../polling/baton-api';
import { timedPoll, type TimedPoll } from '../polling/plugin-polls';

/** A day: no package is due for a scheduled poll while the benchmark runs; every poll is the benchmark's. */
const POLL_INTERVAL_SECONDS = 86_400;
const REGISTRATIONS_AT_ONCE = 8;

/** An npm repository of the benchmark in Baton, through the API; outcomes are keyed by package name. */
export class NpmRepository {
  private readonly nameOf = new Map<string, string>();

  private constructor(
    private readonly api: BatonApi,
    readonly id: string,
  ) {}

  static async register(api: BatonApi, name: string, registryUrl: string): Promise<NpmRepository> {
    const body = { name, plugin_id: 'npm', configuration: [{ key: 'REGISTRY_URL', value: registryUrl }] };
    return new NpmRepository(api, (await api.json<{ id: string }>('POST', '/api/repositories', body, 201)).id);
  }

  /** Adds one package per name (range `*`), a few at a time. */
  async add(names: readonly string[]): Promise<void> {
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < names.length; i = next++) {
        const body = {
          name: names[i],
          repository_id: this.id,
          configuration: [{ key: 'PACKAGE_NAME', value: names[i] }],
          poll_interval_seconds: POLL_INTERVAL_SECONDS,
          auto_update: false,
        };
        this.nameOf.set((await this.api.json<{ id: string }>('POST', '/api/packages', body, 201)).id, names[i]);
      }
    };
    await Promise.all(Array.from({ length: REGISTRATIONS_AT_ONCE }, lane));
  }

  poll(): Promise<TimedPoll> {
    return timedPoll(this.api, this.id, (id) => this.nameOf.get(id) ?? id);
  }
}

/** Throws unless every package got `outcome`, and `expected` (by name) when a revision is new. */
export function checkPoll(poll: TimedPoll, names: readonly string[], outcome: 'new_revision' | 'no_change', expected?: (name: string) => string): void {
  for (const name of names) {
    const answer = poll.outcomes.get(name);
    const got = answer?.revision?.revision ?? answer?.error?.message ?? answer?.outcome ?? 'nothing';
    const wanted = outcome === 'new_revision' && expected !== undefined ? expected(name) : undefined;
    if (answer?.outcome !== outcome || (wanted !== undefined && got !== wanted)) {
      throw new Error(`package '${name}': wanted ${outcome}${wanted === undefined ? '' : ` ${wanted}`}, got ${answer?.outcome ?? 'no answer'} (${got})`);
    }
  }
}
