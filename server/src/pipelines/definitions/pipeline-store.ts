import { randomInt, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Database } from '../../db/database';
import type { Page, PageRequest } from '../../db/pagination';
import { TABLES, type DbPipelineRow } from '../../db/tables';
import { InvalidInput } from '../../domain-errors';
import type { PipelineDefinition } from './definition';

/** First versions are drawn below this, leaving room for a lifetime of updates in an integer column. */
const FIRST_VERSIONS = 1_000_000_000;

type Queryable = Knex | Knex.Transaction;

/** A stored pipeline: its definition and where it comes from. */
export interface StoredPipeline {
  /** This pipeline among the pipelines that had its name: its runs are its own. */
  id: string;
  name: string;
  definition: PipelineDefinition;
  source: 'api' | 'file';
  /** The file in the configuration folder (relative), for `source: 'file'`. */
  sourceFile: string | null;
  configVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One pipeline that had a name, the live one or a deleted one. */
export interface PipelineGeneration {
  id: string;
  deletedAt: Date | null;
}

/** Rows whose materials include one matching the condition (an SQL fragment over `m`, one material). */
const USING = (condition: string) => `EXISTS (SELECT 1 FROM jsonb_array_elements(${TABLES.pipelines}.definition -> 'materials') AS m WHERE ${condition})`;

/**
 * The pipelines table. Names are compared regardless of case for uniqueness, exactly for addressing.
 * A deleted pipeline stays as a row marked deleted, so that its runs stay its own; what addresses a
 * pipeline by name here sees the live one only, `generations` and `deletions` the deleted ones too.
 */
export class PipelineStore {
  constructor(private readonly db: Database) {}

  /**
   * Holds the pipeline's row until the transaction ends. Creating, completing and rerunning runs
   * take it first, so that they see each other's runs in one order.
   */
  static async lock(trx: Knex.Transaction, name: string): Promise<void> {
    await live(trx, name).forUpdate().first('name');
  }

  /** The id of the live pipeline of this name, as a subquery to narrow its runs with. */
  static liveId(q: Queryable, name: string): Knex.QueryBuilder {
    return live(q, name).select('id');
  }

  /** The names of those of these pipelines that are live, by id. */
  static async liveNames(q: Queryable, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await q(TABLES.pipelines)
      .whereIn('id', [...new Set(ids)])
      .whereNull('deleted_at')
      .select<Pick<DbPipelineRow, 'id' | 'name'>[]>('id', 'name');
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** When each of these pipelines was deleted (null: live), by id. */
  static async deletions(q: Queryable, ids: string[]): Promise<Map<string, Date | null>> {
    const rows = await q(TABLES.pipelines)
      .whereIn('id', [...new Set(ids)])
      .select<Pick<DbPipelineRow, 'id' | 'deleted_at'>[]>('id', 'deleted_at');
    return new Map(rows.map((row) => [row.id, row.deleted_at]));
  }

  /** The pipeline's definition and last run counter, held until the transaction ends to take the next counter. */
  async lockForNextRun(trx: Knex.Transaction, name: string): Promise<{ id: string; name: string; definition: PipelineDefinition; lastCounter: number } | null> {
    const row = (await live(trx, name).forUpdate().first()) as DbPipelineRow | undefined;
    return row ? { id: row.id, name: row.name, definition: row.definition as unknown as PipelineDefinition, lastCounter: row.last_counter } : null;
  }

  async setLastCounter(trx: Knex.Transaction, name: string, counter: number): Promise<void> {
    await live(trx, name).update({ last_counter: counter });
  }

  /** The pipelines that had exactly this name, the live one first, then the most recently deleted. */
  async generations(name: string, q: Queryable = this.db.knex): Promise<PipelineGeneration[]> {
    const rows = await q(TABLES.pipelines)
      .where({ name })
      .orderByRaw('deleted_at DESC NULLS FIRST')
      .select<Pick<DbPipelineRow, 'id' | 'deleted_at'>[]>('id', 'deleted_at');
    return rows.map((row) => ({ id: row.id, deletedAt: row.deleted_at }));
  }

  /** Every pipeline's current definition and when it was created, in no particular order. */
  async definitions(): Promise<{ name: string; definition: PipelineDefinition; createdAt: Date }[]> {
    const rows = await this.db
      .knex(TABLES.pipelines)
      .whereNull('deleted_at')
      .select<Pick<DbPipelineRow, 'name' | 'definition' | 'created_at'>[]>('name', 'definition', 'created_at');
    return rows.map((row) => ({ name: row.name, definition: row.definition as unknown as PipelineDefinition, createdAt: row.created_at }));
  }

  /** By name regardless of case; the cursor is the last name, lower case (unique by index). */
  async list(page: PageRequest): Promise<Page<StoredPipeline>> {
    const query = this.db.knex(TABLES.pipelines).whereNull('deleted_at').select('*');
    if (page.cursor !== null) query.whereRaw('lower(name) > ?', [decodeCursor(page.cursor)]);
    const rows = (await query.orderByRaw('lower(name)').limit(page.limit + 1)) as DbPipelineRow[];
    const items = rows.slice(0, page.limit).map(toPipeline);
    const last = items[items.length - 1];
    const nextCursor = rows.length > page.limit && last ? Buffer.from(last.name.toLowerCase(), 'utf8').toString('base64url') : null;
    return { items, nextCursor };
  }

  async all(trx: Queryable = this.db.knex): Promise<StoredPipeline[]> {
    const rows = await trx(TABLES.pipelines).whereNull('deleted_at').select('*').orderByRaw<DbPipelineRow[]>('lower(name)');
    return rows.map(toPipeline);
  }

  /** The pipeline with exactly this name; `forUpdate` holds the row until the transaction ends. */
  async get(name: string, trx: Queryable = this.db.knex, forUpdate = false): Promise<StoredPipeline | null> {
    const query = live(trx, name).first();
    if (forUpdate) query.forUpdate();
    const row = (await query) as DbPipelineRow | undefined;
    return row ? toPipeline(row) : null;
  }

  /** The pipeline whose name equals this one regardless of case. */
  async getIgnoringCase(name: string, trx: Queryable = this.db.knex, forUpdate = false): Promise<StoredPipeline | null> {
    const query = trx(TABLES.pipelines).whereRaw('lower(name) = lower(?)', [name]).whereNull('deleted_at').first();
    if (forUpdate) query.forUpdate();
    const row = (await query) as DbPipelineRow | undefined;
    return row ? toPipeline(row) : null;
  }

  /**
   * Inserts a pipeline, or answers null when a live one with this name (in any case) exists. The
   * run counter goes on from the last one deleted pipelines of the same name used (they are kept),
   * so that a name and a counter name one run whichever pipeline of that name it belongs to.
   * Pipelines are addressed by name, so the version starts at a random number: an ETag read from
   * a deleted pipeline does not match the new one of the same name.
   */
  async insert(trx: Queryable, definition: PipelineDefinition, source: { source: 'api' | 'file'; sourceFile: string | null }): Promise<StoredPipeline | null> {
    const lastCounter = trx(TABLES.pipelines).where({ name: definition.name }).select(trx.raw('coalesce(max(last_counter), 0)'));
    const rows = (await trx(TABLES.pipelines)
      .insert({
        id: randomUUID(),
        name: definition.name,
        definition: JSON.stringify(definition),
        source: source.source,
        source_file: source.sourceFile,
        last_counter: lastCounter,
        config_version: randomInt(1, FIRST_VERSIONS),
      })
      .onConflict()
      .ignore()
      .returning('*')) as DbPipelineRow[];
    return rows[0] ? toPipeline(rows[0]) : null;
  }

  async update(trx: Queryable, name: string, definition: PipelineDefinition, sourceFile: string | null): Promise<StoredPipeline> {
    const [row] = (await live(trx, name)
      .update({ definition: JSON.stringify(definition), source_file: sourceFile, config_version: trx.raw('config_version + 1'), updated_at: trx.fn.now() })
      .returning('*')) as DbPipelineRow[];
    return toPipeline(row);
  }

  /**
   * Deletes the live pipeline of this name: it is kept, marked deleted (by whom: a user, or the
   * file it was removed from), so that its runs stay readable as its own and the next pipeline of
   * the name numbers on after them; its name is free.
   */
  async delete(trx: Queryable, name: string, by: string): Promise<void> {
    await live(trx, name).update({ deleted_at: trx.fn.now(), deleted_by: by, updated_at: trx.fn.now() });
  }

  /** Names of the pipelines with a material on this pipeline (not counting itself), sorted. */
  dependentsOf(name: string, trx: Queryable = this.db.knex): Promise<string[]> {
    return this.names(trx, `lower(name) <> lower(?) AND ${USING("lower(m ->> 'pipeline') = lower(?)")}`, [name, name]);
  }

  /** Names of the pipelines with a material on this package, sorted. */
  usingPackage(repository: string, pkg: string): Promise<string[]> {
    const condition = "lower(m -> 'package' ->> 'repository') = lower(?) AND lower(m -> 'package' ->> 'package') = lower(?)";
    return this.names(this.db.knex, USING(condition), [repository, pkg]);
  }

  /** Names of the pipelines with a material on a package of this repository, sorted. */
  usingRepository(repository: string): Promise<string[]> {
    return this.names(this.db.knex, USING("lower(m -> 'package' ->> 'repository') = lower(?)"), [repository]);
  }

  private async names(trx: Queryable, where: string, bindings: string[]): Promise<string[]> {
    const rows = await trx(TABLES.pipelines).whereNull('deleted_at').whereRaw(where, bindings).select('name').orderByRaw<{ name: string }[]>('lower(name)');
    return rows.map((row) => row.name);
  }
}

/** The live pipeline of exactly this name. */
function live(q: Queryable, name: string): Knex.QueryBuilder {
  return q(TABLES.pipelines).where({ name }).whereNull('deleted_at');
}

function decodeCursor(cursor: string): string {
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (value === '' || Buffer.from(value, 'utf8').toString('base64url') !== cursor) {
    throw InvalidInput.field('cursor', 'cursor is not one this server handed out; start again without it');
  }
  return value;
}

function toPipeline(row: DbPipelineRow): StoredPipeline {
  return {
    id: row.id,
    name: row.name,
    definition: row.definition as unknown as PipelineDefinition,
    source: row.source,
    sourceFile: row.source_file,
    configVersion: row.config_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
