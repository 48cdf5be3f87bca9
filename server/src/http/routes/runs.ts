import { Type } from '@sinclair/typebox';
import { pageRequest } from '../../db/pagination';
import type { PromotionQueries } from '../../pipelines/runs/promotion-queries';
import { TriggerInput } from '../../pipelines/input-schemas';
import type { RunService } from '../../pipelines/runs/run-service';
import type { RunView } from '../../pipelines/runs/run-views';
import { defineRoute, type RouteDefinition } from '../route';
import { Run, ValueStream } from '../../pipelines/runs/run-schemas';
import { InvalidInput } from '../../domain-errors';
import { collection, ID_PARAM, INCLUDE_DELETED_QUERY, includesDeleted, PAGE_QUERY, Problem, ref, UUID_PATTERN } from '../schemas';

const NAME = Type.String({ pattern: '^[A-Za-z0-9._-]{1,255}$' });
// Counters are PostgreSQL integers: nine digits at most, so that every one asked for can exist.
const COUNTER = Type.String({ pattern: '^[1-9][0-9]{0,8}$' });
const RUN_PARAMS = { name: NAME, counter: COUNTER };
const STAGE_PARAMS = { ...RUN_PARAMS, stage: NAME };
const INCLUDE_DELETED_RUNS = {
  include_deleted: {
    ...INCLUDE_DELETED_QUERY.include_deleted,
    description: '`true` lists the runs of earlier, deleted pipelines of this name too (marked by `pipeline_deleted`).',
  },
};

/** Runs: trigger, read, approve, cancel, rerun; and the promotion record. */
export function runRoutes(runs: RunService, queries: PromotionQueries): RouteDefinition[] {
  const stageAction = (action: 'approve' | 'cancel' | 'rerun', summary: string, conflict: string): RouteDefinition =>
    defineRoute({
      method: 'post',
      path: `/api/pipelines/:name/runs/:counter/stages/:stage/${action}`,
      operationId: `${action}Stage`,
      summary,
      tag: 'runs',
      access: 'operator',
      params: STAGE_PARAMS,
      responses: {
        200: { description: 'The run afterwards.', schema: ref(Run) },
        403: { description: 'The stage names who may approve it, and this token is not among them.', schema: ref(Problem) },
        409: { description: conflict, schema: ref(Problem) },
      },
      async handler({ params, actor }) {
        const counter = Number(params['counter']);
        await runs[action](params['name'], counter, params['stage'], actor);
        return { status: 200, body: await queries.run(params['name'], counter) };
      },
    });
  return [
    defineRoute({
      method: 'get',
      path: '/api/pipelines/:name/runs',
      operationId: 'listRuns',
      summary: 'A pipeline’s runs, newest first; a deleted pipeline’s runs while no new one has its name',
      tag: 'runs',
      access: 'viewer',
      params: { name: NAME },
      query: { ...PAGE_QUERY, ...INCLUDE_DELETED_RUNS },
      responses: { 200: { description: 'A page of runs.', schema: collection('runs', ref(Run)) } },
      async handler({ params, query }) {
        const page = await queries.runs(params['name'], pageRequest(query), includesDeleted(query));
        return { status: 200, body: { runs: page.items, next_cursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/pipelines/:name/runs',
      operationId: 'triggerPipeline',
      summary:
        'Trigger a run, optionally with chosen revisions (to promote an older one) and environment overrides; without a body, with the defaults; repeat-safe with Idempotency-Key',
      tag: 'runs',
      access: 'operator',
      params: { name: NAME },
      body: ref(TriggerInput),
      optionalBody: true,
      requestHeaders: {
        'Idempotency-Key': {
          description:
            'Makes a retried trigger answer the run the first request created (200) instead of creating another; bound to the token and the body (another token or body with the same key: 422).',
        },
      },
      responses: {
        201: { description: 'The new run.', schema: ref(Run) },
        200: {
          description: 'The run an earlier request with the same Idempotency-Key, token and body created (the key with another token or body: 422).',
          schema: ref(Run),
        },
        409: { description: 'The pipeline cannot run now (a material has no revision yet, upstream runs disagree).', schema: ref(Problem) },
      },
      async handler({ params, body, header, actor }) {
        const { run, created } = await runs.trigger(params['name'], body, header('idempotency-key') ?? null, actor);
        const view = await queries.run(run.pipeline_name, run.counter);
        return { status: created ? 201 : 200, body: view, headers: { Location: `/api/pipelines/${run.pipeline_name}/runs/${run.counter}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/pipelines/:name/runs/:counter',
      operationId: 'getRun',
      summary: 'One run: its label, build cause and stages; a deleted pipeline’s run too (counters go on across pipelines of a name)',
      tag: 'runs',
      access: 'viewer',
      params: RUN_PARAMS,
      responses: { 200: { description: 'The run.', schema: ref(Run) } },
      async handler({ params }) {
        return { status: 200, body: await queries.run(params['name'], Number(params['counter'])) };
      },
    }),
    stageAction('approve', 'Approve a stage that waits for approval', 'The stage is not waiting for approval.'),
    stageAction('cancel', 'Cancel a stage in progress', 'The stage is not in progress.'),
    stageAction('rerun', 'Run a stage again (a new stage counter)', 'A stage is in progress, or an earlier stage has not passed.'),
    defineRoute({
      method: 'get',
      path: '/api/pipelines/:name/stages/:stage/candidates',
      operationId: 'listStageCandidates',
      summary: 'Runs ready for this level: every earlier stage passed, this one not (waiting for approval, or never run here)',
      tag: 'runs',
      access: 'viewer',
      params: { name: NAME, stage: NAME },
      responses: {
        200: {
          description: 'The candidates, newest first.',
          schema: Type.Object({ runs: Type.Array(ref(Run)) }, { additionalProperties: false }),
        },
      },
      async handler({ params }) {
        return { status: 200, body: { runs: await queries.candidates(params['name'], params['stage']) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/packages/:id/revisions/:revision/promotions',
      operationId: 'listRevisionPromotions',
      summary: 'How far a package revision has been promoted: every run across the value stream that carried it',
      tag: 'runs',
      access: 'viewer',
      params: { ...ID_PARAM, revision: Type.String({ minLength: 1 }) },
      responses: {
        200: {
          description: 'The revision and the runs that carried it.',
          schema: Type.Object({ revision: Type.String(), runs: Type.Array(ref(Run)) }, { additionalProperties: false }),
        },
      },
      async handler({ params }) {
        const { revision, runs: carried } = await queries.promotions(params['id'], params['revision']);
        return { status: 200, body: { revision: revision.revision, runs: carried satisfies RunView[] } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/value-stream',
      operationId: 'getValueStream',
      summary: 'The pipelines and stages a package flows through, with the newest revision that passed each stage',
      tag: 'runs',
      access: 'viewer',
      query: { package_id: { description: 'The package.', schema: Type.String({ format: 'uuid' }), required: true } },
      responses: { 200: { description: 'The value stream.', schema: ref(ValueStream) } },
      async handler({ query }) {
        const packageId = query['package_id'] ?? '';
        if (!UUID_PATTERN.test(packageId)) throw InvalidInput.field('package_id', 'package_id must be the UUID of a package');
        return { status: 200, body: await queries.valueStream(packageId) };
      },
    }),
  ];
}
