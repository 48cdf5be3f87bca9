import type { Database } from '../../db/database';
import type { MaterialPackage } from '../model';
import type { PluginCalls } from '../plugin-calls';
import type { RepositoryStore } from '../repository-store';
import type { PackagePollView, PollStatus } from './poll-state-schema';
import { PollStateStore } from './poll-state-store';
import type { RecordedRevision, RevisionStore } from './revision-store';

/** Reads packages' poll state and latest revisions for the API. */
export class PollStatusReader {
  private readonly states: PollStateStore;

  constructor(
    db: Database,
    private readonly repositories: RepositoryStore,
    private readonly revisions: RevisionStore,
    private readonly plugins: Pick<PluginCalls, 'plugin'>,
  ) {
    this.states = new PollStateStore(db);
  }

  async views(packages: MaterialPackage[]): Promise<Map<string, { poll: PackagePollView; latestRevision: RecordedRevision | null }>> {
    const ids = packages.map((p) => p.id);
    const [pluginIds, rows, latest] = await Promise.all([
      this.repositories.pluginIdsOf(packages.map((p) => p.repositoryId)),
      this.states.ofPackages(ids),
      this.revisions.latestOf(ids),
    ]);
    const states = new Map(rows.map((row) => [row.package_id, row]));
    const views = new Map<string, { poll: PackagePollView; latestRevision: RecordedRevision | null }>();
    for (const pkg of packages) {
      const state = states.get(pkg.id);
      const pluginId = pluginIds.get(pkg.repositoryId);
      const status: PollStatus = !pluginId || !this.plugins.plugin(pluginId) ? 'plugin_missing' : !pkg.autoUpdate ? 'disabled' : (state?.status ?? 'pending');
      views.set(pkg.id, {
        poll: {
          status,
          last_polled_at: state?.last_polled_at?.toISOString() ?? null,
          next_poll_at: pkg.autoUpdate && state ? state.next_poll_at.toISOString() : null,
          last_error: state?.last_error ?? null,
          error_kind: state?.error_kind ?? null,
          consecutive_failures: state?.consecutive_failures ?? 0,
          warnings: state?.warnings ?? [],
        },
        latestRevision: latest.get(pkg.id) ?? null,
      });
    }
    return views;
  }
}
