import type { ConfigFileStatus } from '../../pipelines/config-files/config-file-status';
import { Type } from '@sinclair/typebox';
import { EncryptInput } from '../../pipelines/input-schemas';
import type { PipelineService } from '../../pipelines/definitions/pipeline-service';
import { iso } from '../presenters';
import { defineRoute, type RouteDefinition } from '../route';
import { ConfigFile, EncryptedValue } from '../pipeline-schemas';
import { ref } from '../schemas';

/** Where the state of the configuration folder comes from; null when no folder is configured. */
export interface ConfigFileStatuses {
  statuses(): ConfigFileStatus[];
}

/** Configuration as code: the state of the YAML files, and encryption of values to put in them. */
export function configRoutes(files: ConfigFileStatuses | null, pipelines: PipelineService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/config-files',
      operationId: 'listConfigFiles',
      summary: 'The pipeline files of the configuration folder: loaded, or invalid with their errors',
      tag: 'pipelines',
      access: 'viewer',
      responses: {
        200: {
          description: 'Every file, by name; empty when no configuration folder is set.',
          schema: Type.Object({ files: Type.Array(ref(ConfigFile)) }, { additionalProperties: false }),
        },
      },
      async handler() {
        const statuses = files?.statuses() ?? [];
        const body = statuses.map((s) => ({
          file: s.file,
          status: s.status,
          pipelines: s.pipelines,
          errors: s.errors,
          loaded_at: iso(s.loadedAt),
          checked_at: s.checkedAt.toISOString(),
        }));
        return { status: 200, body: { files: body } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/encrypt',
      operationId: 'encryptValue',
      summary: 'Encrypt a value for a pipeline’s secure_environment',
      tag: 'pipelines',
      access: 'admin',
      body: ref(EncryptInput),
      responses: { 200: { description: 'The encrypted value.', schema: ref(EncryptedValue) } },
      async handler({ body }) {
        return { status: 200, body: { encrypted_value: pipelines.encrypt(body) } };
      },
    }),
  ];
}
