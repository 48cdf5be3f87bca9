import { Type } from '@sinclair/typebox';
import { InvalidInput } from '../../domain-errors';
import type { PipelineService } from '../../pipelines/definitions/pipeline-service';
import type { PromotionQueries } from '../../pipelines/runs/promotion-queries';
import type { PipelineStates } from '../../pipelines/state/pipeline-states';
import { Dashboard } from '../pipeline-schemas';
import { presentPipeline } from '../presenters';
import { defineRoute, type RouteDefinition } from '../route';
import { ref } from '../schemas';

/** What the web UI's dashboard shows of each pipeline, unless asked for another number. */
export const DASHBOARD_RUNS = 5;
/** Enough for a wall display; more is what the paged runs of one pipeline are for. */
const MAX_DASHBOARD_RUNS = 20;

/** Query values are not checked against their schemas: this one is, here. */
function runsPerPipeline(value: string | undefined): number {
  if (value === undefined) return DASHBOARD_RUNS;
  const runs = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!(runs >= 1 && runs <= MAX_DASHBOARD_RUNS)) throw InvalidInput.field('runs', `runs must be a whole number from 1 to ${MAX_DASHBOARD_RUNS}`);
  return runs;
}

/**
 * The dashboard in one request: every pipeline with its status and newest runs, read in a few
 * statements for all of them, where asking each pipeline for its runs costs a round trip each.
 */
export function dashboardRoutes(pipelines: PipelineService, states: PipelineStates, promotions: PromotionQueries): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/dashboard',
      operationId: 'getDashboard',
      summary: 'Every pipeline with its status and its newest runs',
      tag: 'pipelines',
      access: 'viewer',
      query: {
        runs: {
          description: `How many of each pipeline's newest runs, 1 to ${MAX_DASHBOARD_RUNS} (default ${DASHBOARD_RUNS}).`,
          schema: Type.String({ pattern: '^[0-9]+$' }),
        },
      },
      responses: { 200: { description: 'The pipelines, by name, each with its newest runs.', schema: ref(Dashboard) } },
      async handler({ query }) {
        const limit = runsPerPipeline(query.runs);
        const all = await pipelines.all();
        const statuses = await states.statuses(all);
        const runs = await promotions.latestRuns(
          all.map((p) => p.id),
          limit,
        );
        const entries = all.map((p) => ({ pipeline: presentPipeline(p, statuses.get(p.name)!), runs: runs.get(p.id) ?? [] }));
        return { status: 200, body: { pipelines: entries, runs_per_pipeline: limit } };
      },
    }),
  ];
}
