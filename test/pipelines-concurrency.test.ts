import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { EventStore } from '../server/src/events/event-store';
import type { PipelineDefinition } from '../server/src/pipelines/definitions/definition';
import { MaterialResolver } from '../server/src/pipelines/triggers/material-resolver';
import { RunCreator } from '../server/src/pipelines/runs/run-creator';
import { RunMaterialQueries } from '../server/src/pipelines/triggers/run-material-queries';
import { PipelineLookups } from '../server/src/pipelines/definitions/pipeline-lookups';
import { PipelineService } from '../server/src/pipelines/definitions/pipeline-service';
import { PipelineStore } from '../server/src/pipelines/definitions/pipeline-store';
import { PackageStore } from '../server/src/materials/package-store';
import { RepositoryStore } from '../server/src/materials/repository-store';
import { AuditStore } from '../server/src/security/audit-store';
import { SecretBox } from '../server/src/security/secret-box';
import { StageMachine } from '../server/src/pipelines/runs/stage-machine';
import { spawnBaton } from './support/baton-process';
import { createTestDatabase, DATABASE_KINDS, describeOnPostgres, removeDataDir, type TestDatabase } from './support/databases';
import { eventually } from './support/eventually';
import { listOf, startJsonRepository, type JsonRepository } from './support/json-repository';
import { pluginsFolder } from './support/test-server';
import { ApiClient } from './support/api-client';
import { registerUpstreamApp } from './support/pipeline-runs';

const PIPELINE: PipelineDefinition = {
  name: 'deliver',
  materials: [{ name: 'app', package: { repository: 'upstream', package: 'app' } }],
  stages: [{ name: 'only', jobs: [{ name: 'noop', tasks: [{ exec: { command: 'true' } }] }] }],
};

describeOnPostgres('one run per cause, whatever races [postgres]', () => {
  let database: TestDatabase;
  let upstream: JsonRepository;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    upstream = await startJsonRepository(listOf('app', '1.0.0'));
  });

  afterAll(async () => {
    await upstream?.close();
    await database?.drop();
  });

  it('creates one run when many creators race on one cause from separate connections', async () => {
    const setup = await database.open();
    await setup.knex('pipelines').insert({ name: 'racing', definition: JSON.stringify({ ...PIPELINE, name: 'racing', materials: [] }), source: 'api' });
    await setup.close();
    const connections: Database[] = await Promise.all([database.open(), database.open(), database.open()]);
    const creators = connections.map((db) => new RunCreator(db, new StageMachine(new EventStore(db)), new EventStore(db)));
    const resolution = { ok: true as const, materials: [], carried: new Map(), upstreamPackages: [] };

    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        creators[i % 3].create({
          pipeline: 'racing',
          resolution,
          cause: { kind: 'timer', by: 'system', message: 'race' },
          causeKey: 'timer:2026-11-27T00:00:00.000Z',
          idempotency: null,
          environmentOverrides: {},
        }),
      ),
    );
    const runs = await connections[0].knex('pipeline_runs').where({ pipeline_name: 'racing' });
    await Promise.all(connections.map((db) => db.close()));

    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
    expect(runs).toHaveLength(1);
  });

  it('pipeline changes racing run creation neither deadlock nor lose an event', async () => {
    const setup = await database.open();
    const source = { ...PIPELINE, name: 'source', materials: [] };
    const definition = { ...PIPELINE, name: 'changing', materials: [{ name: 'source', pipeline: 'source', stage: 'only' }] };
    await setup.knex('pipelines').insert({ name: 'source', definition: JSON.stringify(source), source: 'api' });
    await setup.knex('pipelines').insert({ name: 'changing', definition: JSON.stringify(definition), source: 'api' });
    await setup.close();
    const db = await database.open();
    const store = new PipelineStore(db);
    const directory = { repositories: new RepositoryStore(db), packages: new PackageStore(db) };
    const box = new SecretBox(randomBytes(32));
    const service = new PipelineService(db, store, new PipelineLookups(store, directory, box), new AuditStore(db), box);
    const events = new EventStore(db);
    const creator = new RunCreator(db, new StageMachine(events), events);
    const actor = { tokenId: 'test', name: 'racer', role: 'admin' as const };
    const resolution = { ok: true as const, materials: [], carried: new Map(), upstreamPackages: [] };
    const ROUNDS = 30;

    const changes = async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const current = await service.get('changing');
        await service.update('changing', { ...definition, environment: { ROUND: String(i) } }, `"${current.configVersion}"`, actor);
      }
    };
    const triggers = async (lane: number) => {
      for (let i = 0; i < ROUNDS; i++) {
        await creator.create({
          pipeline: 'changing',
          resolution,
          cause: { kind: 'timer', by: 'system', message: 'race' },
          causeKey: `race:${lane}:${i}`,
          idempotency: null,
          environmentOverrides: {},
        });
      }
    };
    const outcomes = await Promise.allSettled([changes(), triggers(0), triggers(1)]);
    const runs = await db.knex('pipeline_runs').where({ pipeline_name: 'changing' });
    const created = await db.knex('events').where({ type: 'pipeline.run.created' }).whereRaw("data->>'pipeline' = ?", ['changing']);
    await db.close();

    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason))).toEqual([]);
    expect(runs).toHaveLength(2 * ROUNDS);
    expect(created).toHaveLength(2 * ROUNDS);
  });

  it('two Baton processes on one database trigger one run per detected revision', async () => {
    const secretKey = randomBytes(32).toString('base64');
    const admin = `test-admin-${randomBytes(12).toString('hex')}`;
    const plugins = pluginsFolder('json-file');
    const dataDirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'baton-proc-')));
    const processes = dataDirs.map((dataDir) =>
      spawnBaton({
        DATABASE_URL: database.databaseUrl!,
        BATON_SECRET_KEY: secretKey,
        BATON_ADMIN_TOKEN: admin,
        BATON_DATA_DIR: dataDir,
        BATON_PLUGINS_DIR: plugins,
        BATON_LOCAL_AGENT: 'false',
        BATON_MIN_POLL_INTERVAL_SECONDS: '1',
      }),
    );
    const db = await database.open();
    try {
      const urls = await Promise.all(processes.map((p) => p.listening));
      const api = await ApiClient.connect(urls[0], admin);
      // The pipeline exists before its package, so that every detected revision has a consumer.
      await db.knex('pipelines').insert({ name: 'deliver', definition: JSON.stringify(PIPELINE), source: 'api' });
      await registerUpstreamApp(api, upstream.url, { poll_interval_seconds: 1 });
      await eventually(async () => ((await db.knex('package_revisions').where({ revision: '1.0.0' })).length > 0 ? true : undefined), 60_000);
      const versions = ['1.1.0', '1.2.0', '1.3.0'];
      for (const [i, version] of versions.entries()) {
        upstream.publish(listOf('app', '1.0.0', ...versions.slice(0, i + 1)));
        await eventually(async () => ((await db.knex('package_revisions').where({ revision: version })).length > 0 ? true : undefined), 60_000);
      }
      await eventually(async () => ((await db.knex('pipeline_runs').where({ pipeline_name: 'deliver' })).length >= 4 ? true : undefined), 60_000);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const settled = await db.knex('pipeline_runs').where({ pipeline_name: 'deliver' }).orderBy('counter');

      expect(settled.map((r: { counter: number }) => r.counter)).toEqual([1, 2, 3, 4]);
      expect(new Set(settled.map((r: { cause_key: string }) => r.cause_key)).size).toBe(4);
    } finally {
      await db.close();
      for (const p of processes) p.child.kill('SIGTERM');
      await Promise.all(processes.map((p) => p.exited));
      for (const dir of dataDirs) removeDataDir(dir);
    }
  });
});

describe.each(DATABASE_KINDS)('material resolution [%s]', (kind) => {
  it('waits when a material has no revision yet', async () => {
    const database = await createTestDatabase(kind);
    const db = await database.open();

    const resolution = await new MaterialResolver(new RunMaterialQueries(db)).resolve(PIPELINE, { kind: 'timer' });
    await db.close();
    await database.drop();

    expect(resolution).toEqual({ ok: false, reason: "package 'app' of repository 'upstream' does not exist" });
  });
});
