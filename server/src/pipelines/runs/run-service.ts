import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import type { DbPipelineRunRow, DbStageRunRow } from '../../db/tables';
import { Conflict, Forbidden, NotFound } from '../../domain-errors';
import type { Signals } from '../../events/signals';
import type { AuditStore } from '../../security/audit-store';
import { roleAtLeast, type Actor } from '../../security/roles';
import type { SecretBox } from '../../security/secret-box';
import { approvalOf, type PipelineDefinition } from '../definitions/definition';
import { auditedOverrides, storedOverrides } from './environment-overrides';
import { idempotentTrigger } from '../triggers/idempotent-trigger';
import type { MaterialResolver } from '../triggers/material-resolver';
import { PipelineStore, type StoredPipeline } from '../definitions/pipeline-store';
import type { RunCreator } from './run-creator';
import { RunStore } from './run-store';
import type { StageMachine } from './stage-machine';
import type { TriggerInput } from '../input-schemas';
import { approvalWithdrawn, rerunRefused } from './stage-gates';
import { StageRunStore } from './stage-run-store';

const IN_PROGRESS = ['scheduled', 'running', 'awaiting_approval'];

/** What people do to runs: trigger with options, approve, cancel and rerun stages — each audited. */
export class RunService {
  private readonly runs = new RunStore();
  private readonly stageRuns = new StageRunStore();

  constructor(
    private readonly db: Database,
    private readonly resolver: MaterialResolver,
    private readonly creator: RunCreator,
    private readonly stages: StageMachine,
    private readonly audit: AuditStore,
    private readonly signals: Signals,
    private readonly box: SecretBox,
  ) {}

  async trigger(pipelineName: string, input: TriggerInput, idempotencyKey: string | null, actor: Actor): Promise<{ run: DbPipelineRunRow; created: boolean }> {
    const pipeline = await this.pipeline(pipelineName);
    const definition = pipeline.definition;
    const idempotency = idempotencyKey === null ? null : idempotentTrigger(idempotencyKey, actor.tokenId, input);
    // A repeated request answers the first run, whatever the materials and the definition say now.
    const repeated = idempotency === null ? undefined : await this.creator.repeatOf(pipeline.name, idempotency);
    if (repeated) return { run: repeated, created: false };
    const overrides = storedOverrides(definition, input.environment ?? {}, actor, this.box);
    const resolution = await this.resolver.resolve(definition, { kind: 'manual', revisions: input.revisions ?? {} });
    if (!resolution.ok) throw new Conflict(`'${pipelineName}' cannot run now: ${resolution.reason}`);
    const result = await this.creator.create({
      pipeline: pipeline.name,
      resolution,
      cause: { kind: 'manual', by: actor.name, message: `triggered by ${actor.name}` },
      causeKey: null,
      idempotency,
      environmentOverrides: overrides,
      alsoWrite: (trx, run) =>
        this.audit.record(
          {
            actor: actor.name,
            action: 'pipeline.trigger',
            resourceType: 'pipeline',
            resourceId: pipeline.name,
            details: { counter: run.counter, revisions: input.revisions ?? {}, environment: auditedOverrides(overrides) },
          },
          trx,
        ),
    });
    if (result.created) {
      this.signals.jobsScheduled();
      this.signals.eventsWritten();
    }
    return result;
  }

  async approve(pipeline: string, counter: number, stageName: string, actor: Actor): Promise<DbStageRunRow> {
    return this.onStage(pipeline, counter, stageName, actor, 'stage.approve', async (trx, run, stage) => {
      // Who may not approve learns nothing of the stage's state.
      this.mayApprove(run, stage.stage_index, actor);
      await this.ofLivePipeline(trx, run, 'approved');
      // Held as reruns hold it, so that an earlier stage cannot start again while this is approved.
      await this.runs.lock(trx, run.id);
      const names = (run.definition as unknown as PipelineDefinition).stages.map((s) => s.name);
      const withdrawn = approvalWithdrawn(names, stage.stage_index, await this.stageRuns.latestAttempts(trx, run.id));
      if (withdrawn !== null) throw new Conflict(`the approval of stage '${stageName}' of ${pipeline}/${counter} is withdrawn: ${withdrawn}`);
      if (stage.state !== 'awaiting_approval') throw new Conflict(`stage '${stageName}' of ${pipeline}/${counter} is ${stage.state}, not awaiting approval`);
      await this.stages.approve(trx, stage, actor.name);
    });
  }

  async cancel(pipeline: string, counter: number, stageName: string, actor: Actor): Promise<DbStageRunRow> {
    return this.onStage(pipeline, counter, stageName, actor, 'stage.cancel', async (trx, _run, stage) => {
      if (!IN_PROGRESS.includes(stage.state))
        throw new Conflict(`stage '${stageName}' of ${pipeline}/${counter} is ${stage.state}; only a stage in progress can be cancelled`);
      await this.stages.cancel(trx, stage, actor.name);
    });
  }

  async rerun(pipeline: string, counter: number, stageName: string, actor: Actor): Promise<DbStageRunRow> {
    const run = await this.run(pipeline, counter);
    const definition = run.definition as unknown as PipelineDefinition;
    const index = definition.stages.findIndex((s) => s.name === stageName);
    if (index < 0) throw new NotFound(`${pipeline}/${counter} has no stage '${stageName}'`);
    if (approvalOf(definition.stages[index]).type === 'manual') this.mayApprove(run, index, actor);
    await this.ofLivePipeline(this.db.knex, run, 'run again');
    const stage = await this.db.knex.transaction(async (trx) => {
      // Locked in the order run creation and completion take them: the pipeline, then the run.
      await PipelineStore.lock(trx, pipeline);
      await this.runs.lock(trx, run.id);
      if (definition.lock) {
        const other = await this.runs.firstUnfinished(trx, pipeline, run.id);
        if (other) throw new Conflict(`'${pipeline}' is locked (one run at a time) and run ${other.counter} has not finished; rerun when it has`);
      }
      const names = definition.stages.map((s) => s.name);
      const refused = rerunRefused(names, index, await this.stageRuns.latestAttempts(trx, run.id));
      if (refused !== null) throw new Conflict(`stage '${stageName}' of ${pipeline}/${counter} cannot run again now: ${refused}`);
      const started = await this.stages.rerun(trx, run, index, actor.name);
      await this.audit.record(
        {
          actor: actor.name,
          action: 'stage.rerun',
          resourceType: 'pipeline',
          resourceId: pipeline,
          details: { counter, stage: stageName, stage_counter: started.counter },
        },
        trx,
      );
      return started;
    });
    this.signals.jobsScheduled();
    this.signals.eventsWritten();
    return stage;
  }

  private async onStage(
    pipeline: string,
    counter: number,
    stageName: string,
    actor: Actor,
    action: string,
    change: (trx: Knex.Transaction, run: DbPipelineRunRow, stage: DbStageRunRow) => Promise<void>,
  ): Promise<DbStageRunRow> {
    const run = await this.run(pipeline, counter);
    if (!(run.definition as unknown as PipelineDefinition).stages.some((s) => s.name === stageName))
      throw new NotFound(`${pipeline}/${counter} has no stage '${stageName}'`);
    const updated = await this.db.knex.transaction(async (trx) => {
      const stage = await this.stageRuns.lockLatestAttempt(trx, run.id, stageName);
      if (!stage) throw new Conflict(`stage '${stageName}' of ${pipeline}/${counter} has not been reached`);
      await change(trx, run, stage);
      await this.audit.record(
        { actor: actor.name, action, resourceType: 'pipeline', resourceId: pipeline, details: { counter, stage: stageName, stage_counter: stage.counter } },
        trx,
      );
      return this.stageRuns.byId(trx, stage.id);
    });
    this.signals.jobsScheduled();
    this.signals.eventsWritten();
    return updated;
  }

  /** A manual stage names who may approve it: roles (this role or higher) and users; none named means any operator. */
  private mayApprove(run: DbPipelineRunRow, index: number, actor: Actor): void {
    const stage = (run.definition as unknown as PipelineDefinition).stages[index];
    const approval = approvalOf(stage);
    if (approval.type !== 'manual') return;
    const roles = approval.roles ?? [];
    const users = approval.users ?? [];
    if (roles.length === 0 && users.length === 0) return;
    if (users.includes(actor.name) || roles.some((role) => roleAtLeast(actor.role, role))) return;
    throw new Forbidden(
      `'${actor.name}' may not approve stage '${stage.name}': it needs ${[...roles.map((r) => `role ${r}`), ...users.map((u) => `user ${u}`)].join(' or ')}`,
    );
  }

  /** A deleted pipeline's runs are its record: a stage in progress may be cancelled, nothing started anew. */
  private async ofLivePipeline(q: Knex, run: DbPipelineRunRow, action: string): Promise<void> {
    const deletedAt = (await PipelineStore.deletions(q, [run.pipeline_id])).get(run.pipeline_id);
    if (deletedAt) {
      throw new Conflict(
        `${run.pipeline_name}/${run.counter} belongs to a pipeline deleted at ${deletedAt.toISOString()}; its runs are kept as a record, and a stage of them cannot be ${action}`,
      );
    }
  }

  private async pipeline(name: string): Promise<StoredPipeline> {
    const row = await new PipelineStore(this.db).get(name);
    if (!row) throw new NotFound(`no pipeline named '${name}'`);
    return row;
  }

  private async run(pipeline: string, counter: number): Promise<DbPipelineRunRow> {
    const row = await this.runs.byCounter(this.db.knex, pipeline, counter);
    if (!row) throw new NotFound(`no run ${counter} of pipeline '${pipeline}'`);
    return row;
  }
}
