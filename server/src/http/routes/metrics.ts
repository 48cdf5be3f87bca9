import { Type } from '@sinclair/typebox';
import type { Metrics } from '../../metrics/metrics';
import { defineRoute, type RouteDefinition } from '../route';

/** Prometheus' scrape endpoint. */
export function metricsRoutes(metrics: Pick<Metrics, 'render' | 'contentType'>): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Polls, revisions, scheduling lag, leases, webhook deliveries, runs, stages and jobs, in Prometheus text format',
      tag: 'metrics',
      access: 'viewer',
      responses: {
        200: { description: 'The metrics, in Prometheus text exposition format 0.0.4.', contentType: 'text/plain', schema: Type.String() },
      },
      async handler() {
        return { status: 200, text: { contentType: metrics.contentType, content: await metrics.render() } };
      },
    }),
  ];
}
