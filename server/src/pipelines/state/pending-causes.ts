import type { Logger } from 'pino';
import type { Database } from '../../db/database';
import { PipelineStore } from '../definitions/pipeline-store';
import type { RunCreator } from '../runs/run-creator';
import type { MaterialResolver } from '../triggers/material-resolver';
import { PipelineStateStore, type PendingCause } from './pipeline-state-store';

/**
 * Runs the causes pipelines hold pending once they are free to: a new pipeline's first run, and
 * the newest cause withheld while a pipeline was paused, once it is unpaused. The pending cause
 * stays recorded until its run exists, and the run is created under the cause's key, so a crash
 * or a second process releasing it too still makes exactly one run.
 */
export class PendingCauses {
  private readonly states: PipelineStateStore;
  private readonly pipelines: PipelineStore;

  constructor(
    db: Database,
    private readonly resolver: MaterialResolver,
    private readonly creator: RunCreator,
    private readonly logger: Logger,
  ) {
    this.states = new PipelineStateStore(db);
    this.pipelines = new PipelineStore(db);
  }

  /** Releases every pending cause of a pipeline that is not paused; answers how many runs that created. */
  async release(): Promise<number> {
    let created = 0;
    for (const { pipeline, pending } of await this.states.releasable()) {
      try {
        if (await this.releaseOne(pipeline, pending)) created += 1;
      } catch (error) {
        this.logger.error({ err: error, pipeline, cause: pending.causeKey }, 'a pending cause could not be released; retrying');
      }
    }
    return created;
  }

  private async releaseOne(name: string, pending: PendingCause): Promise<boolean> {
    const definition = (await this.pipelines.get(name))?.definition;
    if (!definition) return false;
    const resolution = await this.resolver.resolve(definition, pending.request);
    if (!resolution.ok) {
      this.logger.info({ pipeline: name, cause: pending.causeKey }, `not triggered: ${resolution.reason}`);
      await this.states.clearPending(name, pending.causeKey);
      return false;
    }
    const input = { pipeline: name, resolution, cause: pending.cause, causeKey: pending.causeKey, idempotency: null, environmentOverrides: {} };
    const result = await this.creator.createUnlessPaused(input, pending.request);
    // Paused again meanwhile: the cause stays pending.
    if ('withheld' in result) return false;
    await this.states.clearPending(name, pending.causeKey);
    if (result.created) this.logger.info({ pipeline: name, counter: result.run.counter, cause: pending.causeKey }, 'run created');
    return result.created;
  }
}
