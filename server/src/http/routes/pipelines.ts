import { pageRequest } from '../../db/pagination';
import { etagOf } from '../../versions';
import type { PipelineService } from '../../pipelines/definitions/pipeline-service';
import type { StoredPipeline } from '../../pipelines/definitions/pipeline-store';
import { Type, type Static } from '@sinclair/typebox';
import { defineRoute, type RouteDefinition } from '../route';
import { Pipeline, PipelineInput } from '../pipeline-schemas';
import { collection, ETAG_HEADER, PAGE_QUERY, Problem, ref } from '../schemas';

const NAME_PARAM = { name: Type.String({ pattern: '^[A-Za-z0-9._-]{1,255}$' }) };

function presentPipeline(pipeline: StoredPipeline): Static<typeof Pipeline> {
  return {
    ...pipeline.definition,
    source: pipeline.source,
    source_file: pipeline.sourceFile,
    created_at: pipeline.createdAt.toISOString(),
    updated_at: pipeline.updatedAt.toISOString(),
  };
}

/** Pipeline definitions: declare, change, delete; those from configuration files are read-only. */
export function pipelineRoutes(service: PipelineService): RouteDefinition[] {
  const single = (status: number, pipeline: StoredPipeline) => ({ status, body: presentPipeline(pipeline), headers: { ETag: etagOf(pipeline.configVersion) } });
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
        return { status: 200, body: { pipelines: page.items.map(presentPipeline), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/pipelines',
      operationId: 'createPipeline',
      summary: 'Declare a pipeline',
      tag: 'pipelines',
      access: 'admin',
      body: ref(PipelineInput),
      responses: {
        201: { description: 'Created.', schema: ref(Pipeline), headers: ETAG_HEADER },
        409: { description: 'A pipeline with this name exists (regardless of case).', schema: ref(Problem) },
      },
      async handler({ body, actor }) {
        const created = await service.create(body, actor);
        return { ...single(201, created), headers: { ETag: etagOf(created.configVersion), Location: `/api/pipelines/${encodeURIComponent(created.name)}` } };
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
        return single(200, await service.get(params['name']));
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
        return single(200, await service.update(params['name'], body, header('if-match'), actor));
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
  ];
}
