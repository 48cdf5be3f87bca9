import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import type { CatalogueEvent, EventPayload } from '../../events/event-catalogue';
import type { EventStore } from '../../events/event-store';
import type { WireRevision } from '../../plugins/protocol';
import type { ClaimedRepository, PackagePollResult, PollOutcome } from './poll-model';
import { nextPollState, type NextPollState } from './poll-transition';
import { PollStateStore } from './poll-state-store';
import type { PackageWork } from './poll-work-queries';
import { RevisionStore, toRecorded, type RecordedRevision } from './revision-store';

/** What one repository poll recorded, per package. */
export interface RecordedPoll {
  outcomes: Map<string, { outcome: PollOutcome; revision: RecordedRevision | null; error: string | null }>;
  eventIds: number[];
}

export interface RepositoryFacts {
  id: string;
  name: string;
  pluginId: string;
}

/**
 * Writes a repository poll's results in one transaction: new revisions (the unique key on
 * package and revision keeps each once), every package's poll state, and the events — so a
 * crash never leaves a revision without its event or the other way round. Results for a package
 * whose configuration changed during the poll are dropped: they answer an old question.
 */
export class PollRecorder {
  private readonly revisions: RevisionStore;
  private readonly states: PollStateStore;

  constructor(
    private readonly db: Database,
    private readonly events: EventStore,
  ) {
    this.revisions = new RevisionStore(db);
    this.states = new PollStateStore(db);
  }

  async record(claim: ClaimedRepository, repository: RepositoryFacts, packages: PackageWork[], results: PackagePollResult[]): Promise<RecordedPoll> {
    const byId = new Map(packages.map((p) => [p.packageId, p]));
    return this.db.knex.transaction(async (trx) => {
      const now = (await trx.raw<{ rows: { now: Date }[] }>('SELECT now() AS now')).rows[0].now;
      const inserted = await this.insertRevisions(trx, results, byId);
      const states = results.map((r) => nextPollState(byId.get(r.packageId)!, r, inserted.has(r.packageId), now));
      const current = await this.updateStates(trx, claim, states, byId);
      const outcomes: RecordedPoll['outcomes'] = new Map();
      const pending: CatalogueEvent[] = [];
      for (const state of states.filter((s) => current.has(s.packageId))) {
        const pkg = byId.get(state.packageId)!;
        const revision = inserted.get(state.packageId) ?? null;
        outcomes.set(state.packageId, { outcome: state.lastOutcome, revision, error: state.lastError });
        const about = {
          package_id: pkg.packageId,
          package_name: pkg.packageName,
          repository_id: repository.id,
          repository_name: repository.name,
          plugin_id: repository.pluginId,
        };
        if (revision) pending.push({ type: 'package.revision.detected', data: { ...about, revision } });
        if (state.event === 'package.poll.failed') pending.push({ type: state.event, data: { ...about, ...errorFields(state) } });
        if (state.event === 'package.poll.recovered') pending.push({ type: state.event, data: about });
      }
      const eventIds: number[] = [];
      for (const event of pending) eventIds.push(await this.events.append(trx, event.type, event.data));
      return { outcomes, eventIds };
    });
  }

  private async insertRevisions(trx: Knex.Transaction, results: PackagePollResult[], byId: Map<string, PackageWork>): Promise<Map<string, RecordedRevision>> {
    const rows = results
      .filter((r): r is Extract<PackagePollResult, { kind: 'answer' }> => r.kind === 'answer' && r.revision !== null)
      .filter((r) => r.revision!.revision !== byId.get(r.packageId)!.previous?.revision)
      .map((r) => ({ package_id: r.packageId, config_version: byId.get(r.packageId)!.configVersion, ...(r.revision as WireRevision) }));
    if (rows.length === 0) return new Map();
    const inserted = await this.revisions.recordIfCurrent(trx, rows);
    return new Map(inserted.map((row) => [row.package_id, toRecorded(row)]));
  }

  private async updateStates(trx: Knex.Transaction, claim: ClaimedRepository, states: NextPollState[], byId: Map<string, PackageWork>): Promise<Set<string>> {
    if (states.length === 0) return new Set();
    const rows = states.map((s) => ({
      package_id: s.packageId,
      config_version: byId.get(s.packageId)!.configVersion,
      status: s.status,
      schedule_anchor: s.scheduleAnchor.toISOString(),
      next_poll_at: s.nextPollAt.toISOString(),
      last_outcome: s.lastOutcome,
      last_error: s.lastError,
      error_kind: s.errorKind,
      error_code: s.errorCode,
      consecutive_failures: s.consecutiveFailures,
      warnings: s.warnings,
    }));
    return this.states.recordOutcomes(trx, claim.claimedAt, rows);
  }
}

type ErrorFields = Omit<EventPayload<'package.poll.failed'>, keyof EventPayload<'package.poll.recovered'>>;

function errorFields(state: NextPollState): ErrorFields {
  return { error: state.lastError, error_kind: state.errorKind, error_code: state.errorCode, consecutive_failures: state.consecutiveFailures };
}
