import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { TABLES } from '../../db/tables';
import type { CatalogueEvent, EventPayload } from '../../events/event-catalogue';
import type { EventLog } from '../../events/event-log';
import type { WireRevision } from '../../plugins/protocol';
import type { ClaimedRepository, PackagePollResult, PollOutcome } from './poll-model';
import { nextPollState, type NextPollState } from './poll-transition';
import type { PackageWork } from './poll-work';
import { toRecorded, type RecordedRevision } from './revision-store';

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
  constructor(
    private readonly db: Database,
    private readonly events: EventLog,
  ) {}

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
    const { rows: inserted } = await trx.raw<{ rows: Parameters<typeof toRecorded>[0][] }>(INSERT_REVISIONS_SQL, [JSON.stringify(rows)]);
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
    const { rows: updated } = await trx.raw<{ rows: { package_id: string }[] }>(UPDATE_STATES_SQL, [claim.claimedAt, JSON.stringify(rows)]);
    return new Set(updated.map((r) => r.package_id));
  }
}

type ErrorFields = Omit<EventPayload<'package.poll.failed'>, keyof EventPayload<'package.poll.recovered'>>;

function errorFields(state: NextPollState): ErrorFields {
  return { error: state.lastError, error_kind: state.errorKind, error_code: state.errorCode, consecutive_failures: state.consecutiveFailures };
}

// The configuration version is checked with a lookup per row: a join let the planner read the
// whole packages table to match a few rows, on every poll.
const CURRENT_CONFIG = `v.config_version = (SELECT p.config_version FROM ${TABLES.packages} p WHERE p.id = v.package_id)`;

const INSERT_REVISIONS_SQL = `
  INSERT INTO ${TABLES.revisions} (package_id, revision, "timestamp", "user", comment, trackback_url, data)
  SELECT v.package_id, v.revision, v."timestamp", v."user", v.comment, v.trackback_url, v.data
    FROM jsonb_to_recordset(?::jsonb) AS v(package_id uuid, config_version int, revision text, "timestamp" timestamptz,
                                           "user" text, comment text, trackback_url text, data jsonb)
   WHERE ${CURRENT_CONFIG}
  ON CONFLICT (package_id, revision) DO NOTHING
  RETURNING *`;

const UPDATE_STATES_SQL = `
  UPDATE ${TABLES.packagePollState} AS ps
     SET status = v.status, schedule_anchor = v.schedule_anchor, next_poll_at = v.next_poll_at,
         poll_requested_at = CASE WHEN ps.poll_requested_at <= ? THEN NULL ELSE ps.poll_requested_at END,
         last_polled_at = now(), last_outcome = v.last_outcome, last_error = v.last_error, error_kind = v.error_kind,
         error_code = v.error_code, consecutive_failures = v.consecutive_failures, warnings = v.warnings, updated_at = now()
    FROM jsonb_to_recordset(?::jsonb) AS v(package_id uuid, config_version int, status text, schedule_anchor timestamptz,
                                           next_poll_at timestamptz, last_outcome text, last_error text, error_kind text,
                                           error_code text, consecutive_failures int, warnings jsonb)
   WHERE ps.package_id = v.package_id AND ${CURRENT_CONFIG}
  RETURNING ps.package_id`;
