import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import { addFieldError } from '../../domain-errors';
import type { AuditStore } from '../../security/audit-store';
import type { PipelineDefinition } from '../definitions/definition';
import type { PipelineLookups } from '../definitions/pipeline-lookups';
import type { PipelineStore } from '../definitions/pipeline-store';
import { planConfig, type ConfigPlan } from './config-file-plan';
import type { ConfigFileContent } from './config-file-reader';
import { CREATED_PAUSED, recordNewPipeline } from '../state/first-run';

/**
 * Applies the configuration folder to the pipelines table. Idempotent: a pipeline whose stored
 * definition already equals its file's is not written, so several processes watching the same
 * folder agree instead of taking turns rewriting it; each write happens under a row lock.
 */
export class ConfigFileSync {
  constructor(
    private readonly db: Database,
    private readonly store: PipelineStore,
    private readonly lookups: PipelineLookups,
    private readonly audit: AuditStore,
  ) {}

  async apply(files: readonly ConfigFileContent[]): Promise<ConfigPlan['reports']> {
    const plan = planConfig(files, await this.store.all(), await this.lookups.factory());
    const refusals = new Map<string, string[]>();
    for (const { file, definition, paused } of plan.upserts) {
      // One pipeline the database refuses is that file's error; the other files still apply.
      const refusal = await this.upsert(file, definition, paused).catch(
        (error: unknown) => `pipeline '${definition.name}' could not be stored: ${(error as Error).message}`,
      );
      if (refusal) refusals.set(file, [...(refusals.get(file) ?? []), refusal]);
    }
    await this.removeAll(plan.removals);
    return plan.reports.map((report) => {
      const messages = refusals.get(report.file);
      if (!messages) return report;
      const errors = { ...(report.errors ?? {}) };
      for (const message of messages) addFieldError(errors, 'name', message);
      return { ...report, errors };
    });
  }

  /** A refusal message when the name turned out to be taken; null when stored (or already so). */
  private upsert(file: string, definition: PipelineDefinition, paused: boolean): Promise<string | null> {
    return this.db.knex.transaction(async (trx) => {
      let row = await this.store.getIgnoringCase(definition.name, trx, true);
      if (!row) {
        const created = await this.store.insert(trx, definition, { source: 'file', sourceFile: file });
        if (created) {
          // Only the process that inserts the pipeline writes its state: its first load, once.
          await recordNewPipeline(trx, created, paused ? { by: `config-file:${file}`, reason: CREATED_PAUSED } : null);
          return this.record(trx, 'pipeline.create', file, definition.name);
        }
        // Another process inserted it first: read what it wrote, and compare.
        row = await this.store.getIgnoringCase(definition.name, trx, true);
        if (!row) return `pipeline '${definition.name}' changed while it was being loaded; it will be loaded again`;
      }
      if (row.source === 'api') return `pipeline '${row.name}' exists and is managed over the API`;
      if (row.name !== definition.name)
        return `this name differs only in case from pipeline '${row.name}' in file '${row.sourceFile}'; names cannot change only in case`;
      if (row.sourceFile === file && isDeepStrictEqual(row.definition, definition)) return null;
      await this.store.update(trx, row.name, definition, file);
      return this.record(trx, 'pipeline.update', file, row.name);
    });
  }

  /** Pipelines leaving together may depend on each other: dependents go first, round by round. */
  private async removeAll(removals: ConfigPlan['removals']): Promise<void> {
    let pending = removals;
    while (pending.length > 0) {
      const left: ConfigPlan['removals'] = [];
      for (const removal of pending) if (!(await this.remove(removal.name, removal.file))) left.push(removal);
      if (left.length === pending.length) return;
      pending = left;
    }
  }

  /** False while other pipelines depend on it: it stays, and the next scan reports why. */
  private remove(name: string, file: string): Promise<boolean> {
    return this.db.knex.transaction(async (trx) => {
      const row = await this.store.get(name, trx, true);
      if (!row || row.source !== 'file' || row.sourceFile !== file) return true;
      if ((await this.store.dependentsOf(name, trx)).length > 0) return false;
      await this.store.delete(trx, name, `config-file:${file}`);
      await this.record(trx, 'pipeline.delete', file, name);
      return true;
    });
  }

  /** Changes from files are recorded with the file as their actor. */
  private async record(trx: Knex.Transaction, action: string, file: string, name: string): Promise<null> {
    await this.audit.record(
      { actor: `config-file:${file}`, action, resourceType: 'pipeline', resourceId: name, details: { source: 'file', source_file: file } },
      trx,
    );
    return null;
  }
}
