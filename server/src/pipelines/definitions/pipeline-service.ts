import type { Knex } from 'knex';
import { ADVISORY_LOCKS, lockInTransaction } from '../../db/advisory-lock';
import type { Database } from '../../db/database';
import type { Page, PageRequest } from '../../db/pagination';
import { Conflict, InvalidInput, NotFound } from '../../domain-errors';
import { checkVersion } from '../../versions';
import type { AuditStore } from '../../security/audit-store';
import type { Actor } from '../../security/roles';
import type { SecretBox } from '../../security/secret-box';
import type { PipelineDefinition } from './definition';
import { checkDefinition } from './definition-validation';
import type { PipelineLookups } from './pipeline-lookups';
import type { PipelineStore, StoredPipeline } from './pipeline-store';
import { encryptVariable } from './secure-environment';
import type { EncryptInput } from '../input-schemas';
import { CREATED_PAUSED, recordNewPipeline } from '../state/first-run';

/** Declaring, changing and removing pipelines over the API; pipelines from files are read-only here. */
export class PipelineService {
  constructor(
    private readonly db: Database,
    private readonly store: PipelineStore,
    private readonly lookups: PipelineLookups,
    private readonly audit: AuditStore,
    private readonly box: SecretBox,
  ) {}

  list(page: PageRequest): Promise<Page<StoredPipeline>> {
    return this.store.list(page);
  }

  /** Every live pipeline, by name regardless of case. */
  all(): Promise<StoredPipeline[]> {
    return this.store.all();
  }

  async get(name: string): Promise<StoredPipeline> {
    const pipeline = await this.store.get(name);
    if (!pipeline) throw new NotFound(`no pipeline named '${name}'`);
    return pipeline;
  }

  /** With `paused`, the pipeline starts paused: its first run waits for the unpause. */
  async create(input: unknown, actor: Actor, options: { paused?: boolean } = {}): Promise<StoredPipeline> {
    const name = (input as { name?: unknown } | null)?.name;
    const existing = typeof name === 'string' ? await this.store.getIgnoringCase(name) : null;
    if (existing) throw nameTaken(String(name), existing);
    const paused = options.paused === true;
    return this.db.knex.transaction(async (trx) => {
      const definition = await this.validatedAlone(trx, input);
      const created = await this.store.insert(trx, definition, { source: 'api', sourceFile: null });
      if (!created) throw nameTaken(definition.name, (await this.store.getIgnoringCase(definition.name, trx))!);
      await recordNewPipeline(trx, created, paused ? { by: actor.name, reason: CREATED_PAUSED } : null);
      await this.audit.record(
        {
          actor: actor.name,
          action: 'pipeline.create',
          resourceType: 'pipeline',
          resourceId: created.name,
          details: { source: 'api', ...(paused ? { paused } : {}) },
        },
        trx,
      );
      return created;
    });
  }

  async update(name: string, input: unknown, ifMatch: string | undefined, actor: Actor): Promise<StoredPipeline> {
    const current = writable(await this.get(name));
    checkVersion(current.configVersion, ifMatch);
    const given = (input as { name?: unknown } | null)?.name;
    if (given !== current.name) throw InvalidInput.field('name', `the name cannot change (this pipeline is '${current.name}'): create a new pipeline instead`);
    return this.db.knex.transaction(async (trx) => {
      const definition = await this.validatedAlone(trx, input);
      const locked = await this.store.get(name, trx, true);
      if (!locked) throw new NotFound(`no pipeline named '${name}'`);
      checkVersion(writable(locked).configVersion, ifMatch);
      const updated = await this.store.update(trx, name, definition, null);
      await this.audit.record({ actor: actor.name, action: 'pipeline.update', resourceType: 'pipeline', resourceId: name, details: { source: 'api' } }, trx);
      return updated;
    });
  }

  async delete(name: string, ifMatch: string | undefined, actor: Actor): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      await lockInTransaction(trx, ADVISORY_LOCKS.pipelineConfig);
      const current = await this.store.get(name, trx, true);
      if (!current) throw new NotFound(`no pipeline named '${name}'`);
      writable(current);
      checkVersion(current.configVersion, ifMatch);
      const dependents = await this.store.dependentsOf(name, trx);
      if (dependents.length > 0) {
        throw new Conflict(`pipeline '${name}' cannot be deleted: pipeline(s) ${dependents.map((d) => `'${d}'`).join(', ')} depend on it`);
      }
      await this.store.delete(trx, name, actor.name);
      await this.audit.record({ actor: actor.name, action: 'pipeline.delete', resourceType: 'pipeline', resourceId: name, details: { source: 'api' } }, trx);
    });
  }

  /** A secure value for a definition, bound to one pipeline and variable. */
  encrypt(request: EncryptInput): string {
    return encryptVariable(this.box, request.value, request.pipeline, request.variable);
  }

  /**
   * Validates against the other pipelines as they are while no other definition change can run:
   * two changes that are each fine (A comes to depend on B, B on A) cannot both pass.
   */
  private async validatedAlone(trx: Knex.Transaction, input: unknown): Promise<PipelineDefinition> {
    await lockInTransaction(trx, ADVISORY_LOCKS.pipelineConfig);
    const check = checkDefinition(input, await this.lookups.load(undefined, trx));
    if (!check.ok) throw new InvalidInput(check.errors, 'The pipeline definition is not valid');
    return check.definition;
  }
}

/** A pipeline from a file changes only with its file; the file is named so the user knows where. */
function writable(pipeline: StoredPipeline): StoredPipeline {
  if (pipeline.source === 'file') {
    throw new Conflict(`pipeline '${pipeline.name}' is defined in the configuration file '${pipeline.sourceFile}': change it there`);
  }
  return pipeline;
}

function nameTaken(requested: string, existing: StoredPipeline): Conflict {
  const where = existing.source === 'file' ? ` (defined in the configuration file '${existing.sourceFile}')` : '';
  return new Conflict(`'${requested}' is taken: a pipeline named '${existing.name}'${where} already exists, and names are unique regardless of case`);
}
