import { randomUUID } from 'node:crypto';
import type { Database } from '../../server/src/db/database';
import { TABLES } from '../../server/src/db/tables';
import { TOKENS } from '../../server/src/injection-tokens';
import type { PipelineDefinition } from '../../server/src/pipelines/definitions/definition';
import { StageMachine } from '../../server/src/pipelines/runs/stage-machine';
import { Signals } from '../../server/src/events/signals';
import type { ApiClient } from './api-client';
import type { TestServer } from './test-server';

/** `gated-release`: two automatic levels, then a manual one, on the package `app` of `upstream`; runs only when triggered. */
export const GATED_RELEASE: PipelineDefinition = {
  name: 'gated-release',
  materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' }, auto_trigger: false }],
  stages: [
    { name: 'build', jobs: [{ name: 'compile', tasks: [{ exec: { command: 'true' } }] }] },
    { name: 'qa', jobs: [{ name: 'smoke', tasks: [{ exec: { command: 'true' } }] }] },
    { name: 'production', approval: { type: 'manual' }, jobs: [{ name: 'deploy', tasks: [{ exec: { command: 'true' } }] }] },
  ],
};

/** Stores a pipeline as the definitions API would, for tests that exercise runs. */
export async function storePipeline(baton: TestServer, definition: PipelineDefinition): Promise<void> {
  const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
  await db.knex(TABLES.pipelines).insert({ id: randomUUID(), name: definition.name, definition: JSON.stringify(definition), source: 'api' });
}

/**
 * Finishes every job of a stage's latest attempt the way the agent would, in one transaction with
 * the stage machine, for tests that are about stages rather than job execution.
 */
export async function finishStage(baton: TestServer, pipeline: string, counter: number, stage: string, state: 'passed' | 'failed'): Promise<void> {
  const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
  const machine = baton.server.dependencies.resolve(StageMachine);
  await db.knex.transaction(async (trx) => {
    const run = await trx(TABLES.pipelineRuns).where({ pipeline_name: pipeline, counter }).first('id');
    const attempt = await trx(TABLES.stageRuns).where({ run_id: run.id, stage_name: stage }).orderBy('counter', 'desc').first('id');
    await trx(TABLES.jobRuns)
      .where({ stage_run_id: attempt.id })
      .update({ state, completed_at: trx.fn.now(), result: `${state} in a test` });
    await machine.jobFinished(trx, attempt.id);
  });
  baton.server.dependencies.resolve(Signals).eventsWritten();
}

/**
 * Registers the json-file repository `upstream` at `url` and its package `app`, as the pipeline
 * tests' definitions name them; polled on request only unless `extra` says otherwise. Answers the package id.
 */
export async function registerUpstreamApp(api: ApiClient, url: string, extra: Record<string, unknown> = { auto_update: false }): Promise<string> {
  const repository = await api.post('/api/repositories', { name: 'upstream', plugin_id: 'json-file', configuration: [{ key: 'URL', value: url }] });
  const pkg = await api.post('/api/packages', { name: 'app', repository_id: repository.body.id, configuration: [{ key: 'NAME', value: 'app' }], ...extra });
  if (pkg.status !== 201) throw new Error(`could not register the package: ${JSON.stringify(pkg.body)}`);
  return pkg.body.id as string;
}

/**
 * Marks the jobs of a stage's latest attempt running under a lease that lasts the test, as an agent
 * would on taking them; answers the job ids by name, for tests that write their console.
 */
export async function startStageJobs(baton: TestServer, pipeline: string, counter: number, stage: string): Promise<Map<string, string>> {
  const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
  const run = await db.knex(TABLES.pipelineRuns).where({ pipeline_name: pipeline, counter }).first('id');
  const attempt = await db.knex(TABLES.stageRuns).where({ run_id: run.id, stage_name: stage }).orderBy('counter', 'desc').first('id');
  const jobs: { id: string; job_name: string }[] = await db
    .knex(TABLES.jobRuns)
    .where({ stage_run_id: attempt.id })
    .update({ state: 'running', lease_owner: 'test', lease_expires_at: db.knex.raw("now() + interval '1 hour'"), started_at: db.knex.fn.now() })
    .returning(['id', 'job_name']);
  return new Map(jobs.map((job) => [job.job_name, job.id]));
}
