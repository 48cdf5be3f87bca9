import type { Static } from '@sinclair/typebox';
import type { Database } from '../../db/database';
import type { Page, PageRequest } from '../../db/pagination';
import { TABLES, type DbPackageRevisionRow } from '../../db/tables';
import { NotFound } from '../../domain-errors';
import { RevisionStore } from '../../materials/polling/revision-store';
import type { PipelineDefinition } from '../definitions/definition';
import { loadPipelineGraph } from '../definitions/pipeline-definitions';
import { PipelineStore } from '../definitions/pipeline-store';
import { RunStore } from './run-store';
import { runViews, type RunView } from './run-views';
import type { ValueStream } from './run-schemas';

/**
 * The promotion record: runs, how far a revision got, what is ready for a level, the value
 * stream. A read model: it joins packages with their repositories, and stage runs with their runs
 * and the revisions those carried; what one table answers, it asks of that table's store.
 */
export class PromotionQueries {
  private readonly runStore = new RunStore();
  private readonly pipelines: PipelineStore;
  private readonly revisions: RevisionStore;

  constructor(private readonly db: Database) {
    this.pipelines = new PipelineStore(db);
    this.revisions = new RevisionStore(db);
  }

  /**
   * The runs of the live pipeline of this name, or of the most recently deleted one when none
   * lives; with `includeDeleted`, of every pipeline that had the name.
   */
  async runs(pipeline: string, page: PageRequest, includeDeleted = false): Promise<Page<RunView>> {
    const [current] = await this.pipelines.generations(pipeline);
    if (!current) throw new NotFound(`no pipeline named '${pipeline}', live or deleted`);
    const result = await this.runStore.page(this.db.knex, pipeline, includeDeleted ? null : current.id, page);
    return { items: await runViews(this.db.knex, result.items), nextCursor: result.nextCursor };
  }

  /**
   * The newest runs of each of these pipelines, at most `limit` each, newest first, by pipeline id:
   * a few statements for all of them, the same views `runs` answers one pipeline at a time.
   */
  async latestRuns(pipelineIds: readonly string[], limit: number): Promise<Map<string, RunView[]>> {
    const rows = await this.runStore.newestOfEach(this.db.knex, pipelineIds, limit);
    const views = await runViews(this.db.knex, rows);
    const byPipeline = new Map<string, RunView[]>(pipelineIds.map((id) => [id, []]));
    rows.forEach((row, index) => byPipeline.get(row.pipeline_id)?.push(views[index]));
    return byPipeline;
  }

  /** One run by its counter, whichever pipeline of the name it belongs to: counters go on across them. */
  async run(pipeline: string, counter: number): Promise<RunView> {
    const row = await this.runStore.byCounter(this.db.knex, pipeline, counter);
    if (!row) throw new NotFound(`no run ${counter} of pipeline '${pipeline}'`);
    return (await runViews(this.db.knex, [row]))[0];
  }

  /** Every run, in any pipeline of the value stream, that carried this package revision, with its stages. */
  async promotions(packageId: string, revisionLabel: string): Promise<{ revision: DbPackageRevisionRow; runs: RunView[] }> {
    const revision = await this.revisions.byLabel(packageId, revisionLabel);
    if (!revision) throw new NotFound(`package ${packageId} has no revision '${revisionLabel}'`);
    const runs = await this.runStore.carrying(this.db.knex, revision.id);
    return { revision, runs: await runViews(this.db.knex, runs) };
  }

  /** Runs whose earlier stages all passed and which have not passed this stage: what is ready for this level. */
  async candidates(pipeline: string, stage: string): Promise<RunView[]> {
    const definition = await this.pipeline(pipeline);
    const index = definition.stages.findIndex((s) => s.name === stage);
    if (index < 0) throw new NotFound(`pipeline '${pipeline}' has no stage '${stage}'`);
    const rows = await this.runStore.newest(this.db.knex, pipeline, 500);
    const views = await runViews(this.db.knex, rows);
    // Each run is judged by its own stages (its definition as it ran), which may differ from today's.
    return views.filter((run) => {
      const stages = run.stages;
      const at = stages.findIndex((s) => s.name === stage);
      if (at < 0) return false;
      const own = stages[at];
      return stages.slice(0, at).every((s) => s.state === 'passed') && !['passed', 'running', 'scheduled'].includes(own.state);
    });
  }

  async pipeline(name: string): Promise<PipelineDefinition> {
    const row = await this.pipelines.get(name);
    if (!row) throw new NotFound(`no pipeline named '${name}'`);
    return row.definition;
  }

  /** The pipelines and stages a package flows through, with the newest revision that passed each stage. */
  async valueStream(packageId: string): Promise<Static<typeof ValueStream>> {
    const pkg = await this.db
      .knex(`${TABLES.packages} as p`)
      .join(`${TABLES.repositories} as r`, 'r.id', 'p.repository_id')
      .where('p.id', packageId)
      .first<{ id: string; name: string; repository: string } | undefined>('p.id', 'p.name', 'r.name as repository');
    if (!pkg) throw new NotFound(`no package with id ${packageId}`);
    const { graph } = await loadPipelineGraph(this.db);
    const latest = await this.revisions.latest(packageId);
    const pipelines = [];
    for (const definition of graph.pipelinesDownstreamOf(pkg.repository, pkg.name)) {
      const upstream = definition.materials.flatMap((m) => ('pipeline' in m ? [m.pipeline] : []));
      const stages = [];
      for (const stage of definition.stages) stages.push({ name: stage.name, latest_passed: await this.latestPassed(definition.name, stage.name, packageId) });
      pipelines.push({ name: definition.name, upstream, stages });
    }
    return { package: { id: pkg.id, name: pkg.name, repository: pkg.repository, latest_revision: latest?.revision ?? null }, pipelines };
  }

  private async latestPassed(pipeline: string, stage: string, packageId: string) {
    const row = await this.db
      .knex(`${TABLES.stageRuns} as s`)
      .join(`${TABLES.pipelineRuns} as r`, 'r.id', 's.run_id')
      .join(`${TABLES.runPackageRevisions} as c`, 'c.run_id', 'r.id')
      .join(`${TABLES.revisions} as v`, 'v.id', 'c.revision_id')
      .where({ 'r.pipeline_name': pipeline, 's.stage_name': stage, 's.state': 'passed', 'c.package_id': packageId })
      .whereIn('r.pipeline_id', PipelineStore.liveId(this.db.knex, pipeline))
      .orderBy('s.completed_at', 'desc')
      .first<{ revision: string; counter: number; label: string; completed_at: Date } | undefined>('v.revision', 'r.counter', 'r.label', 's.completed_at');
    return row ? { revision: row.revision, counter: row.counter, label: row.label, passed_at: row.completed_at.toISOString() } : null;
  }
}
