import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { PipelineDefinition } from '../definitions/definition';
import type { StoredPipeline } from '../definitions/pipeline-store';
import { PipelineStateStore, type PendingCause } from './pipeline-state-store';

/** The reason a pipeline created paused shows until someone unpauses it. */
export const CREATED_PAUSED = 'created paused';

/**
 * A new pipeline runs once with what its materials already hold, as GoCD schedules a new
 * pipeline: the cause of that run is pending from the moment the pipeline exists (in the
 * transaction that creates it) and is released by the trigger, or at unpause when the pipeline
 * was created paused. A pipeline none of whose materials trigger it automatically waits for a
 * manual trigger instead.
 */
export function firstRunCause(definition: PipelineDefinition, createdAt: Date): PendingCause | null {
  if (definition.materials.every((material) => material.auto_trigger === false)) return null;
  return {
    request: { kind: 'created', asOf: createdAt.toISOString() },
    cause: { kind: 'created', by: 'system', message: 'pipeline created: its first run, with what its materials held' },
    // Unique to this pipeline: a later one of the same name has its own first run.
    causeKey: `created:${randomUUID()}`,
  };
}

/** Writes a new pipeline's state, in the transaction that created it. */
export async function recordNewPipeline(trx: Knex.Transaction, created: StoredPipeline, pause: { by: string; reason: string } | null): Promise<void> {
  const pending = firstRunCause(created.definition, created.createdAt);
  if (pause === null && pending === null) return;
  await PipelineStateStore.create(trx, created.name, pause, pending);
}
