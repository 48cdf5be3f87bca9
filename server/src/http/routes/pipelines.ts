import { pageRequest } from '../../db/pagination';
import { etagOf } from '../../versions';
import type { PipelineService } from '../../pipelines/definitions/pipeline-service';
import type { StoredPipeline } from '../../pipelines/definitions/pipeline-store';
import { Type } from '@sinclair/typebox';
import { defineRoute, type RouteDefinition } from '../route';
import { PauseInput, Pipeline, PipelineInput } from '../pipeline-schemas';
import { presentPipeline } from '../presenters';
import { collection, ETAG_HEADER, PAGE_QUERY, Problem, ref } from '../schemas';
import { InvalidInput } from '../../domain-errors';
import type { PipelineStates } from '../../pipelines/state/pipeline-states';
import { StringEnum } from '../../schema-components';

const NAME_PARAM = { name: Type.String({ pattern: '^[A-Za-z0-9._-]{1,255}$' }) };

const PAUSED_QUERY = {
  paused: { description: '`true`: the pipeline starts paused; its first run waits until it is unpaused.', schema: StringEnum(['true', 'false']) },
};

/** Query values are not checked against their schemas: this one is, here. */
function pausedFlag(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw InvalidInput.field('paused', `must be true or false, not '${value}'`);
}

/** Pipeline definitions, with their status: declare, change, delete, pause; those from configuration files are read-only. */
export function pipelineRoutes(service: PipelineService, states: PipelineStates): RouteDefinition[] {
  const withStatus = async (pipelines: StoredPipeline[]) => {
    const statuses = await states.statuses(pipelines);
    return pipelines.map((pipeline) => presentPipeline(pipeline, statuses.get(pipeline.name)!));
  };
  const single = async (status: number, pipeline: StoredPipeline) => ({
    status,
    body: (await withStatus([pipeline]))[0],
    headers: { ETag: etagOf(pipeline.configVersion) } as Record<string, string>,
  });
  return [
    defineRoute({
      method: 'get',
      path: '/api/pipelines',
      operationId: 'listPipelines',
      summary: 'List pipelines, by name',
      tag: 'pipelines',
      access: 'viewer',
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of pipelines.', schema: collection('pipelines', ref(Pipeline)) } },
      async handler({ query }) {
        const page = await service.list(pageRequest(query));
        return { status: 200, body: { pipelines: await withStatus(page.items), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/pipelines',
      operationId: 'createPipeline',
      summary: 'Declare a pipeline',
      tag: 'pipelines',
      access: 'admin',
      query: PAUSED_QUERY,
      body: ref(PipelineInput),
      responses: {
        201: { description: 'Created.', schema: ref(Pipeline), headers: ETAG_HEADER },
        409: { description: 'A pipeline with this name exists (regardless of case).', schema: ref(Problem) },
      },
      async handler({ body, actor, query }) {
        const created = await service.create(body, actor, { paused: pausedFlag(query.paused) });
        // The trigger, woken, runs the new pipeline's first run.
        states.releasePending();
        const answer = await single(201, created);
        return { ...answer, headers: { ...answer.headers, Location: `/api/pipelines/${encodeURIComponent(created.name)}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/pipelines/:name',
      operationId: 'getPipeline',
      summary: 'Read a pipeline',
      tag: 'pipelines',
      access: 'viewer',
      params: NAME_PARAM,
      responses: { 200: { description: 'The pipeline.', schema: ref(Pipeline), headers: ETAG_HEADER } },
      async handler({ params }) {
        return await single(200, await service.get(params['name']));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/pipelines/:name',
      operationId: 'updatePipeline',
      summary: 'Replace a pipeline’s definition (its name stays)',
      tag: 'pipelines',
      access: 'admin',
      versioned: true,
      params: NAME_PARAM,
      body: ref(PipelineInput),
      responses: {
        200: { description: 'Updated.', schema: ref(Pipeline), headers: ETAG_HEADER },
        409: { description: 'The pipeline is defined in a configuration file (named in the detail).', schema: ref(Problem) },
      },
      async handler({ params, body, header, actor }) {
        return await single(200, await service.update(params['name'], body, header('if-match'), actor));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/pipelines/:name',
      operationId: 'deletePipeline',
      summary: 'Delete a pipeline that no other pipeline depends on',
      tag: 'pipelines',
      access: 'admin',
      versioned: true,
      params: NAME_PARAM,
      responses: {
        204: { description: 'Deleted; its runs stay in the record.' },
        409: { description: 'Other pipelines depend on it, or it is defined in a configuration file.', schema: ref(Problem) },
      },
      async handler({ params, header, actor }) {
        await service.delete(params['name'], header('if-match'), actor);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/pipelines/:name/pause',
      operationId: 'pausePipeline',
      summary: 'Pause a pipeline: automatic triggers are withheld (the newest kept) until it is unpaused; manual triggers still run',
      tag: 'pipelines',
      access: 'operator',
      params: NAME_PARAM,
      body: ref(PauseInput),
      responses: {
        200: { description: 'Paused; the pipeline with its status.', schema: ref(Pipeline), headers: ETAG_HEADER },
        409: { description: 'The pipeline is already paused (by whom and why in the detail).', schema: ref(Problem) },
      },
      async handler({ params, body, actor }) {
        await states.pause(params['name'], body.reason, actor);
        return await single(200, await service.get(params['name']));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/pipelines/:name/unpause',
      operationId: 'unpausePipeline',
      summary: 'Unpause a pipeline: it runs once for the newest cause withheld while paused, if any',
      tag: 'pipelines',
      access: 'operator',
      params: NAME_PARAM,
      responses: {
        200: { description: 'Unpaused; the pipeline with its status.', schema: ref(Pipeline), headers: ETAG_HEADER },
        409: { description: 'The pipeline is not paused.', schema: ref(Problem) },
      },
      async handler({ params, actor }) {
        await states.unpause(params['name'], actor);
        return await single(200, await service.get(params['name']));
      },
    }),
  ];
}
