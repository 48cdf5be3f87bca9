import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import type { CatalogueEvent, EventPayload } from '../../events/event-catalogue';
import type { EventStore } from '../../events/event-store';
import type { WireRevision } from '../../plugins/protocol';
import { releaseOf, type ClaimedRepository, type PackagePollResult, type PollOutcome } from './poll-model';
import { GroupCommit } from './group-commit';
import { nextPollState, type NextPollState } from './poll-transition';
import { PollStateStore } from './poll-state-store';
import type { PackageWork } from './poll-work-queries';
import { RevisionStore, toRecorded, type RecordedRevision } from './revision-store';

/**
 * Polls written together start at most this often: with thousands of repositories, polls end
 * one at a time, each write taking less than the time to the next, and one write per poll
 * (0.55 ms, most of it the statement's own cost whatever its rows) was the largest database cost
 * of polling. A poll's slot is free once its plugin has answered, so the wait delays its record
 * (and its lease's release), never the next poll; after a quiet spell a poll is written at once.
 */
const RECORD_SPACING_MS = 50;

/** What one repository poll recorded, per package. */
export interface RecordedPoll {
  outcomes: Map<string, { outcome: PollOutcome; revision: RecordedRevision | null; error: string | null }>;
  eventIds: number[];
  /** The repository's lease was given back with the record (it was asked to be). */
  released?: boolean;
}

/** One repository's poll, to be recorded. */
export interface FinishedPoll {
  claim: ClaimedRepository;
  /** The lease's owner, when the lease is given back with the record. */
  owner: string | null;
  repository: RepositoryFacts;
  packages: PackageWork[];
  results: PackagePollResult[];
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
  private readonly together = new GroupCommit<FinishedPoll, RecordedPoll>((polls) => this.recordAll(polls), RECORD_SPACING_MS);

  constructor(
    private readonly db: Database,
    private readonly events: EventStore,
  ) {
    this.revisions = new RevisionStore(db);
    this.states = new PollStateStore(db);
  }

  /** Records one repository's poll in a write of its own; with an `owner`, gives the repository's lease back in it. */
  async record(poll: FinishedPoll): Promise<RecordedPoll> {
    const [recorded] = await this.recordAll([poll]);
    return recorded;
  }

  /**
   * Records the poll together with the polls that finish while another one is being written: one
   * transaction for all of them. Rejects, for all of them, when the database refuses any one.
   */
  recordTogether(poll: FinishedPoll): Promise<RecordedPoll> {
    return this.together.submit(poll);
  }

  private async recordAll(polls: FinishedPoll[]): Promise<RecordedPoll[]> {
    const byId = new Map(polls.flatMap((poll) => poll.packages.map((p) => [p.packageId, p] as const)));
    // Nothing new and no event (the common poll): the states alone, in one statement.
    if (
      this.newRevisions(
        polls.flatMap((poll) => poll.results),
        byId,
      ).length === 0
    ) {
      const states = this.nextStates(polls, byId, new Map());
      if (states.every((of) => of.every((s) => s.event === null))) {
        return this.outcomes(polls, states, await this.updateStates(this.db.knex, polls, states, byId), new Map(), byId).recorded;
      }
    }
    return this.db.knex.transaction(async (trx) => {
      const inserted = await this.insertRevisions(
        trx,
        polls.flatMap((poll) => poll.results),
        byId,
      );
      const states = this.nextStates(polls, byId, inserted);
      const { recorded, events } = this.outcomes(polls, states, await this.updateStates(trx, polls, states, byId), inserted, byId);
      // Appending takes the event-order lock, which is held to the commit: it comes last.
      for (const [k, poll] of recorded.entries()) {
        for (const event of events[k]) poll.eventIds.push(await this.events.append(trx, event.type, event.data));
      }
      return recorded;
    });
  }

  /**
   * Each poll's next package states, as of the database's clock now: its claim's time plus the
   * time since (a query for the time cost as much as the write).
   */
  private nextStates(polls: FinishedPoll[], byId: Map<string, PackageWork>, inserted: Map<string, RecordedRevision>): NextPollState[][] {
    return polls.map(({ claim, results }) => {
      const now = new Date(claim.claimedAt.getTime() + Math.max(0, performance.now() - claim.claimedLocally));
      return results.map((r) => nextPollState(byId.get(r.packageId)!, r, inserted.has(r.packageId), now));
    });
  }

  /** What each poll recorded (its packages whose configuration is still the one polled), and its events. */
  private outcomes(
    polls: FinishedPoll[],
    states: NextPollState[][],
    current: Set<string>,
    inserted: Map<string, RecordedRevision>,
    byId: Map<string, PackageWork>,
  ): { recorded: RecordedPoll[]; events: CatalogueEvent[][] } {
    const recorded: RecordedPoll[] = [];
    const events: CatalogueEvent[][] = [];
    for (const [k, { repository }] of polls.entries()) {
      const outcomes: RecordedPoll['outcomes'] = new Map();
      const pending: CatalogueEvent[] = [];
      for (const state of states[k].filter((s) => current.has(s.packageId))) {
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
      recorded.push({ outcomes, eventIds: [], released: polls[k].owner !== null });
      events.push(pending);
    }
    return { recorded, events };
  }

  /** Answers naming a revision other than the package's last one. */
  private newRevisions(results: PackagePollResult[], byId: Map<string, PackageWork>): Extract<PackagePollResult, { kind: 'answer' }>[] {
    return results
      .filter((r): r is Extract<PackagePollResult, { kind: 'answer' }> => r.kind === 'answer' && r.revision !== null)
      .filter((r) => r.revision!.revision !== byId.get(r.packageId)!.previous?.revision);
  }

  private async insertRevisions(trx: Knex.Transaction, results: PackagePollResult[], byId: Map<string, PackageWork>): Promise<Map<string, RecordedRevision>> {
    const rows = this.newRevisions(results, byId).map((r) => ({
      package_id: r.packageId,
      config_version: byId.get(r.packageId)!.configVersion,
      ...(r.revision as WireRevision),
    }));
    if (rows.length === 0) return new Map();
    const inserted = await this.revisions.recordIfCurrent(trx, rows);
    return new Map(inserted.map((row) => [row.package_id, toRecorded(row)]));
  }

  /** Writes the package states, and gives back the leases of the polls that have an owner, in one statement. */
  private async updateStates(
    db: Knex | Knex.Transaction,
    polls: FinishedPoll[],
    states: NextPollState[][],
    byId: Map<string, PackageWork>,
  ): Promise<Set<string>> {
    const all = polls.flatMap((poll, k) => states[k].map((state) => ({ state, claimedAt: poll.claim.claimedAt })));
    const releases = polls.flatMap(({ owner, claim }) => (owner === null ? [] : [releaseOf(owner, claim)]));
    const rows = all.map(({ state: s, claimedAt }) => ({
      package_id: s.packageId,
      claimed_at: claimedAt.toISOString(),
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
    return this.states.recordOutcomes(db, rows, releases);
  }
}

type ErrorFields = Omit<EventPayload<'package.poll.failed'>, keyof EventPayload<'package.poll.recovered'>>;

function errorFields(state: NextPollState): ErrorFields {
  return { error: state.lastError, error_kind: state.errorKind, error_code: state.errorCode, consecutive_failures: state.consecutiveFailures };
}
