import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import type { DbPipelineRunRow } from '../../db/tables';
import { NotFound } from '../../domain-errors';
import type { EventStore } from '../../events/event-store';
import { DEFAULT_LABEL_TEMPLATE, type PipelineDefinition } from '../definitions/definition';
import { assertRepeatOf, type IdempotentTrigger } from '../triggers/idempotent-trigger';
import { renderLabel } from '../definitions/label-template';
import type { Resolution } from '../triggers/material-resolver';
import { PipelineStore } from '../definitions/pipeline-store';
import { pauseOf, PipelineStateStore, type PendingCause } from '../state/pipeline-state-store';
import type { BuildCause, EnvironmentOverride, TriggerCause } from './run-model';
import { afterCommit, UNOBSERVED, type RunObserver } from './run-observer';
import { RunStore } from './run-store';
import type { StageMachine } from './stage-machine';

export interface NewRun {
  pipeline: string;
  resolution: Extract<Resolution, { ok: true }>;
  cause: TriggerCause;
  /** One run per cause: the revision-detected event, the upstream stage run, the timer's fire time. */
  causeKey: string | null;
  /** A manual trigger repeated with the same key, token and body answers the first run. */
  idempotency: IdempotentTrigger | null;
  environmentOverrides: Record<string, EnvironmentOverride>;
  /** Written with the run, in its transaction (an audit entry). */
  alsoWrite?: (trx: Knex.Transaction, run: DbPipelineRunRow) => Promise<void>;
}

/**
 * Creates runs. The pipeline's row is locked while its next counter is taken, so counters go up
 * by one per run under any concurrency; a cause or idempotency key that already has a run
 * answers that run instead (and the unique keys stop a second one even if that check were
 * skipped). The run, what it carries, its first stage and its events are one transaction.
 */
export class RunCreator {
  private readonly pipelines: PipelineStore;
  private readonly runs = new RunStore();
  private readonly states: PipelineStateStore;

  constructor(
    private readonly db: Database,
    private readonly stages: StageMachine,
    private readonly events: EventStore,
    private readonly observer: RunObserver = UNOBSERVED,
  ) {
    this.pipelines = new PipelineStore(db);
    this.states = new PipelineStateStore(db);
  }

  async create(input: NewRun): Promise<{ run: DbPipelineRunRow; created: boolean }> {
    return this.db.knex.transaction(async (trx) => {
      const pipeline = await this.lockPipeline(trx, input.pipeline);
      const existing = await this.existing(trx, input);
      if (existing) return { run: existing, created: false };
      return this.start(trx, pipeline, input);
    });
  }

  /**
   * An automatic trigger: a paused pipeline records it as its pending cause instead of running.
   * Decided under the pipeline's row lock, which pausing takes too, so a cause is either run or
   * withheld, never lost between the two.
   */
  async createUnlessPaused(
    input: NewRun & { causeKey: string },
    request: PendingCause['request'],
  ): Promise<{ run: DbPipelineRunRow; created: boolean } | { withheld: true }> {
    return this.db.knex.transaction(async (trx) => {
      const pipeline = await this.lockPipeline(trx, input.pipeline);
      const existing = await this.existing(trx, input);
      if (existing) return { run: existing, created: false };
      if (pauseOf(await this.states.get(input.pipeline, trx))) {
        await this.states.withhold(trx, input.pipeline, { request, cause: input.cause, causeKey: input.causeKey });
        return { withheld: true as const };
      }
      return this.start(trx, pipeline, input);
    });
  }

  private async lockPipeline(trx: Knex.Transaction, name: string) {
    const pipeline = await this.pipelines.lockForNextRun(trx, name);
    if (!pipeline) throw new NotFound(`no pipeline named '${name}'`);
    return pipeline;
  }

  private async start(
    trx: Knex.Transaction,
    pipeline: { id: string; name: string; definition: PipelineDefinition; lastCounter: number },
    input: NewRun,
  ): Promise<{ run: DbPipelineRunRow; created: true }> {
    const run = await this.insert(trx, pipeline, input);
    await this.events.append(trx, 'pipeline.run.created', {
      pipeline: run.pipeline_name,
      counter: run.counter,
      label: run.label,
      run_id: run.id,
      trigger: input.cause,
      materials: input.resolution.materials.map((m) => ({ name: m.name, revision: m.type === 'package' ? m.revision : m.label })),
    });
    if (run.status === 'active') await this.stages.startRun(trx, run);
    await input.alsoWrite?.(trx, run);
    afterCommit(trx, () => this.observer.runCreated(run.trigger_kind));
    return { run, created: true };
  }

  /** The run an earlier manual trigger with this idempotency key created, if any; InvalidInput when that was another request. */
  async repeatOf(pipeline: string, trigger: IdempotentTrigger): Promise<DbPipelineRunRow | undefined> {
    return this.byIdempotencyKey(this.db.knex, pipeline, trigger);
  }

  private async existing(trx: Knex.Transaction, input: NewRun): Promise<DbPipelineRunRow | undefined> {
    if (input.causeKey !== null) {
      const byCause = await this.runs.byCauseKey(trx, input.pipeline, input.causeKey);
      if (byCause) return byCause;
    }
    if (input.idempotency !== null) return this.byIdempotencyKey(trx, input.pipeline, input.idempotency);
    return undefined;
  }

  private async byIdempotencyKey(knex: Knex, pipeline: string, trigger: IdempotentTrigger): Promise<DbPipelineRunRow | undefined> {
    const run = await this.runs.byIdempotencyKey(knex, pipeline, trigger.key);
    if (run) assertRepeatOf(run, trigger);
    return run;
  }

  private async insert(
    trx: Knex.Transaction,
    pipeline: { id: string; name: string; definition: PipelineDefinition; lastCounter: number },
    input: NewRun,
  ): Promise<DbPipelineRunRow> {
    const definition = pipeline.definition;
    const counter = pipeline.lastCounter + 1;
    const revisions = new Map(input.resolution.materials.map((m) => [m.name, m.type === 'package' ? m.revision : m.label]));
    const busy = definition.lock ? await this.runs.firstUnfinished(trx, pipeline.name) : undefined;
    const buildCause: BuildCause = { trigger: input.cause, materials: input.resolution.materials, upstream_packages: input.resolution.upstreamPackages };
    const run = await this.runs.insert(trx, {
      pipeline_id: pipeline.id,
      pipeline_name: pipeline.name,
      counter,
      label: renderLabel(definition.label_template ?? DEFAULT_LABEL_TEMPLATE, counter, revisions),
      definition: JSON.stringify(definition),
      build_cause: JSON.stringify(buildCause),
      environment_overrides: JSON.stringify(input.environmentOverrides),
      cause_key: input.causeKey,
      idempotency_key: input.idempotency?.key ?? null,
      idempotency_token_id: input.idempotency?.tokenId ?? null,
      idempotency_body_sha256: input.idempotency?.bodySha256 ?? null,
      trigger_kind: input.cause.kind,
      triggered_by: input.cause.by,
      status: busy ? 'waiting' : 'active',
    });
    const carried = [...input.resolution.carried].map(([packageId, c]) => ({
      run_id: run.id,
      package_id: packageId,
      revision_id: c.revisionId,
      material_name: c.materialName,
    }));
    await this.runs.carry(trx, carried);
    await this.pipelines.setLastCounter(trx, pipeline.name, counter);
    return run;
  }
}
