import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { TABLES, type DbPackageRevisionRow, type DbPipelineRunRow } from '../../db/tables';
import { RevisionStore } from '../../materials/polling/revision-store';
import { PipelineStore } from '../definitions/pipeline-store';
import type { MaterialRevision } from '../runs/run-model';
import { RunStore } from '../runs/run-store';

type Queryable = Knex | Knex.Transaction;

export interface PackageRef {
  packageId: string;
  packageName: string;
  repositoryId: string;
  repositoryName: string;
}

/**
 * The reads that deciding a run's materials needs: upstream runs, what they carried, package
 * revisions. A read model: it joins runs with their stages and packages with their repositories;
 * what one table answers, it asks of that table's store.
 */
export class RunMaterialQueries {
  private readonly runs = new RunStore();
  private readonly revisions: RevisionStore;

  constructor(private readonly db: Database) {
    this.revisions = new RevisionStore(db);
  }

  /**
   * The newest run of `pipeline` whose `stage` passed, with that stage's attempt; or one run by
   * counter, and one attempt of the stage by its counter.
   */
  async passedStage(pipeline: string, stage: string, counter: number | null = null, stageCounter: number | null = null, q: Queryable = this.db.knex) {
    const query = passedAttempts(q, pipeline, stage).first();
    if (counter !== null) query.andWhere('r.counter', counter);
    if (stageCounter !== null) query.andWhere('s.counter', stageCounter);
    return ((await query) as PassedRun | undefined) ?? null;
  }

  /**
   * The newest runs of `pipeline` whose `stage` passed (each with its newest passed attempt),
   * newest first; with `before`, only passes completed before that time.
   */
  async passedStages(pipeline: string, stage: string, limit: number, before: string | null = null, q: Queryable = this.db.knex) {
    const query = passedAttempts(q, pipeline, stage).distinctOn('r.counter').limit(limit);
    if (before !== null) query.andWhere('s.completed_at', '<', before);
    return (await query) as PassedRun[];
  }

  /**
   * Whether some run of the pipeline had this material at this revision (a package revision, or
   * an upstream run's attempt of its stage).
   */
  async hasRunWith(pipeline: string, material: MaterialRevision, q: Queryable = this.db.knex): Promise<boolean> {
    const match =
      material.type === 'package'
        ? { name: material.name, revision_id: material.revision_id }
        : { name: material.name, counter: material.counter, stage_counter: material.stage_counter };
    return this.runs.hasRunWithMaterial(q, pipeline, match);
  }

  /** Package id → revision id of every package a run carries. */
  carried(runId: string, q: Queryable = this.db.knex): Promise<Map<string, number>> {
    return this.runs.carried(q, runId);
  }

  packageByNames(repository: string, pkg: string, q: Queryable = this.db.knex): Promise<PackageRef | null> {
    // Names belong to the live package: an archived one has given its name up.
    return packageRef(q, (query) =>
      query.whereRaw('lower(r.name) = lower(?) AND lower(p.name) = lower(?)', [repository, pkg]).whereNull('p.deleted_at').whereNull('r.deleted_at'),
    );
  }

  packageById(packageId: string, q: Queryable = this.db.knex): Promise<PackageRef | null> {
    return packageRef(q, (query) => query.where('p.id', packageId));
  }

  /** The package's newest revision; with `before`, the newest detected before that time. */
  latestRevision(packageId: string, before: string | null = null, q: Queryable = this.db.knex): Promise<DbPackageRevisionRow | null> {
    return before === null ? this.revisions.latest(packageId, q) : this.revisions.latestBefore(packageId, before, q);
  }

  revisionByLabel(packageId: string, label: string, q: Queryable = this.db.knex): Promise<DbPackageRevisionRow | null> {
    return this.revisions.byLabel(packageId, label, q);
  }

  revisionById(id: number, q: Queryable = this.db.knex): Promise<DbPackageRevisionRow | null> {
    return this.revisions.byId(id, q);
  }

  /** The pipeline's newest run, to tell which materials changed. */
  latestRun(pipeline: string, q: Queryable = this.db.knex): Promise<DbPipelineRunRow | null> {
    return this.runs.latest(q, pipeline);
  }
}

type PassedRun = DbPipelineRunRow & { stage_counter: number };

/** Passed attempts of a stage with their runs (of the live pipeline of the name), newest run and attempt first. */
function passedAttempts(q: Queryable, pipeline: string, stage: string) {
  return q(`${TABLES.stageRuns} as s`)
    .join(`${TABLES.pipelineRuns} as r`, 'r.id', 's.run_id')
    .where({ 'r.pipeline_name': pipeline, 's.stage_name': stage, 's.state': 'passed' })
    .whereIn('r.pipeline_id', PipelineStore.liveId(q, pipeline))
    .select('r.*', 's.counter as stage_counter')
    .orderBy([
      { column: 'r.counter', order: 'desc' },
      { column: 's.counter', order: 'desc' },
    ]);
}

/** One package with its repository's name, as the query narrowed by `where` finds it. */
async function packageRef(q: Queryable, where: (query: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<PackageRef | null> {
  const row = await where(q(`${TABLES.packages} as p`).join(`${TABLES.repositories} as r`, 'r.id', 'p.repository_id')).first<
    { package_id: string; package_name: string; repository_id: string; repository_name: string } | undefined
  >('p.id as package_id', 'p.name as package_name', 'r.id as repository_id', 'r.name as repository_name');
  return row ? { packageId: row.package_id, packageName: row.package_name, repositoryId: row.repository_id, repositoryName: row.repository_name } : null;
}
