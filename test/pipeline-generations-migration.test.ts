import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../server/src/db/database';
import { Migrator } from '../server/src/db/migrator';
import { PipelineStore } from '../server/src/pipelines/definitions/pipeline-store';
import { PromotionQueries } from '../server/src/pipelines/runs/promotion-queries';
import { createPostgresDatabase, DATABASE_KINDS, MIGRATIONS_DIR, removeDataDir } from './support/databases';

const GENERATIONS_MIGRATION = '20261205100000_add_pipeline_generations';

/** A folder of the built migrations that came before the generations one. */
function earlierMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-earlier-migrations-'));
  for (const file of fs.readdirSync(MIGRATIONS_DIR)) {
    if (file.endsWith('.js') && file < GENERATIONS_MIGRATION) fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  }
  return dir;
}

const stages = (name: string) => ({ name, materials: [], stages: [{ name: 'build', jobs: [] }] });

describe.each(DATABASE_KINDS)('giving existing pipelines and their runs generations [%s]', (kind) => {
  let db: Database;
  let dataDir: string;
  let migrationsDir: string;
  let dropPostgres: (() => Promise<void>) | null = null;

  const at = (iso: string) => new Date(iso);
  const insertRun = (pipeline: string, counter: number, createdAt: string, definition: object = stages(pipeline)) =>
    db.knex('pipeline_runs').insert({
      id: randomUUID(),
      pipeline_name: pipeline,
      counter,
      label: String(counter),
      definition: JSON.stringify(definition),
      build_cause: JSON.stringify({ trigger: { kind: 'manual', by: 'alice', message: 'test' }, materials: [] }),
      trigger_kind: 'manual',
      triggered_by: 'alice',
      status: 'completed',
      created_at: at(createdAt),
      completed_at: at(createdAt),
    });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-generations-migration-'));
    migrationsDir = earlierMigrations();
    let url: string | null = null;
    if (kind === 'postgres') {
      const created = await createPostgresDatabase();
      url = created.url;
      dropPostgres = created.drop;
    }
    db = await openDatabase({ databaseUrl: url, dataDir });
    await new Migrator(db, migrationsDir).latest();

    // 'kept' lives; its first run was left by an earlier 'kept', deleted before this one was made.
    await db.knex('pipelines').insert({ name: 'kept', definition: JSON.stringify(stages('kept')), last_counter: 3, created_at: at('2026-12-01T10:00:00Z') });
    await insertRun('kept', 1, '2026-11-30T10:00:00Z');
    await insertRun('kept', 2, '2026-12-02T10:00:00Z');
    await insertRun('kept', 3, '2026-12-03T10:00:00Z');
    // 'gone' was deleted, through the API, before pipelines had generations.
    await insertRun('gone', 1, '2026-11-20T10:00:00Z', { ...stages('gone'), label_template: 'first' });
    await insertRun('gone', 2, '2026-11-21T10:00:00Z', { ...stages('gone'), label_template: 'second' });
    await db.knex('audit_log').insert({
      actor: 'alice',
      action: 'pipeline.delete',
      resource_type: 'pipeline',
      resource_id: 'gone',
      occurred_at: at('2026-11-25T10:00:00Z'),
    });

    await new Migrator(db, MIGRATIONS_DIR).latest();
  });

  afterAll(async () => {
    await db?.close();
    await dropPostgres?.();
    removeDataDir(dataDir);
    fs.rmSync(migrationsDir, { recursive: true, force: true });
  });

  const generationsOf = (name: string) => db.knex('pipelines').where({ name }).orderByRaw('deleted_at DESC NULLS FIRST');
  const runIdsOf = async (name: string) =>
    Object.fromEntries((await db.knex('pipeline_runs').where({ pipeline_name: name }).select('counter', 'pipeline_id')).map((r) => [r.counter, r.pipeline_id]));

  it('links the runs of a live pipeline to it, and older runs of its name to a deleted one', async () => {
    const [live, earlier, ...more] = await generationsOf('kept');
    const runs = await runIdsOf('kept');

    expect(more).toEqual([]);
    expect(live).toMatchObject({ deleted_at: null, last_counter: 3 });
    expect(earlier.deleted_at).toEqual(at('2026-11-30T10:00:00Z'));
    expect(earlier.deleted_by).toBeNull();
    expect(runs).toEqual({ 1: earlier.id, 2: live.id, 3: live.id });
  });

  it('gives the runs of a pipeline deleted before a deleted generation, named with who deleted it and when', async () => {
    const [gone, ...more] = await generationsOf('gone');
    const runs = await runIdsOf('gone');

    expect(more).toEqual([]);
    expect(gone).toMatchObject({ deleted_by: 'alice', last_counter: 2, source: 'api' });
    expect(gone.deleted_at).toEqual(at('2026-11-25T10:00:00Z'));
    expect(gone.definition).toMatchObject({ name: 'gone', label_template: 'second' });
    expect(runs).toEqual({ 1: gone.id, 2: gone.id });
  });

  it('answers for the migrated runs as the API does, and lets the names be taken again', async () => {
    const queries = new PromotionQueries(db);
    const page = { limit: 50, cursor: null };

    const gone = await queries.runs('gone', page);
    const kept = await queries.runs('kept', page);
    const keptAll = await queries.runs('kept', page, true);
    const reborn = await new PipelineStore(db).insert(db.knex, stages('gone'), { source: 'api', sourceFile: null });
    const counter = await db.knex('pipelines').where({ id: reborn?.id }).first('last_counter');

    expect(gone.items.map((r) => [r.counter, r.pipeline_deleted])).toEqual([
      [2, true],
      [1, true],
    ]);
    expect(kept.items.map((r) => [r.counter, r.pipeline_deleted])).toEqual([
      [3, false],
      [2, false],
    ]);
    expect(keptAll.items.map((r) => [r.counter, r.pipeline_deleted])).toEqual([
      [3, false],
      [2, false],
      [1, true],
    ]);
    expect(counter.last_counter).toBe(2);
  });
});
