import type { FetchCredentials } from '@baton/plugin-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { LocalAgent, type LocalAgentOptions } from '../../server/src/agents/local-agent';
import type { Database } from '../../server/src/db/database';
import type { DbConfigurationEntry, DbJobRunRow, DbJobState, DbPipelineRunRow, DbStageRunRow } from '../../server/src/db/tables';
import { EventStore } from '../../server/src/events/event-store';
import { createLogger } from '../../server/src/logger';
import { ConfigurationCodec } from '../../server/src/materials/configuration-codec';
import { StoredMaterialReader } from '../../server/src/materials/material-reader';
import { PackageStore } from '../../server/src/materials/package-store';
import { RepositoryStore } from '../../server/src/materials/repository-store';
import type { PipelineDefinition } from '../../server/src/pipelines/definitions/definition';
import { JobAssignments } from '../../server/src/pipelines/jobs/job-assignments';
import { JobConsoleStore } from '../../server/src/pipelines/jobs/job-console-store';
import { JobQueue } from '../../server/src/pipelines/jobs/job-queue';
import type { EnvironmentOverride, MaterialRevision } from '../../server/src/pipelines/runs/run-model';
import { StageMachine } from '../../server/src/pipelines/runs/stage-machine';
import { SecretBox } from '../../server/src/security/secret-box';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases';
import { eventually } from './eventually';

const FINAL: DbJobState[] = ['passed', 'failed', 'cancelled'];
const logger = createLogger(process.env['BATON_TEST_LOG'] ?? 'silent');

/** Plain and secure configuration values, as an admin would enter them. */
export interface TestConfiguration {
  plain?: Record<string, string>;
  secure?: Record<string, string>;
}

/**
 * Jobs on a real database without a whole server: repositories and packages written through
 * their stores, runs inserted with their definition snapshot and build cause and opened by the
 * stage machine, and real agents over real job queues.
 */
export class AgentHarness {
  readonly box = new SecretBox(randomBytes(32));
  readonly stages: StageMachine;
  readonly jobConsole: JobConsoleStore;
  readonly workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-work-'));
  private readonly agents: LocalAgent[] = [];
  private readonly extraDatabases: Database[] = [];
  /** Plugins' fetch_package credential declarations, by plugin id; the default rule for the others. */
  readonly fetchCredentials = new Map<string, FetchCredentials>();

  private constructor(
    readonly database: TestDatabase,
    readonly db: Database,
  ) {
    this.stages = new StageMachine(new EventStore(db));
    this.jobConsole = new JobConsoleStore(db);
  }

  static async open(kind: DatabaseKind): Promise<AgentHarness> {
    const database = await createTestDatabase(kind);
    return new AgentHarness(database, await database.open());
  }

  /** A queue over this database, or over a connection of its own (PostgreSQL only: the embedded one has one). */
  async queue(options: { leaseSeconds?: number; ownConnection?: boolean } = {}): Promise<JobQueue> {
    let db = this.db;
    if (options.ownConnection && this.database.kind === 'postgres') {
      db = await this.database.open();
      this.extraDatabases.push(db);
    }
    const plugins = {
      plugin: (id: string) => {
        const declared = this.fetchCredentials.get(id);
        return declared ? { repositoryProperties: [], packageProperties: [], fetchCredentials: declared } : null;
      },
    };
    const reader = new StoredMaterialReader(new RepositoryStore(db), new PackageStore(db), new ConfigurationCodec(this.box), plugins);
    const assignments = new JobAssignments(reader, this.box);
    return new JobQueue(
      db,
      this.stages,
      assignments,
      new JobConsoleStore(db),
      { leaseSeconds: options.leaseSeconds ?? 30 },
      { jobsChanged: () => undefined, jobCompleted: () => undefined },
      logger,
    );
  }

  /** A started agent, stopped by close(). */
  agent(queue: JobQueue, options: Partial<LocalAgentOptions> = {}): LocalAgent {
    const agent = new LocalAgent(
      queue,
      {
        owner: `test-agent-${randomBytes(3).toString('hex')}`,
        concurrency: 2,
        workDir: this.workDir,
        leaseSeconds: 30,
        shutdownGraceMs: 2000,
        claimIntervalMs: 200,
        // The tests look into job folders after their jobs end.
        keepFolders: true,
        tasks: { fileRoots: [], killGraceMs: 1000, userAgent: 'baton-test' },
        ...options,
      },
      logger,
    );
    this.agents.push(agent);
    agent.start();
    return agent;
  }

  async addRepository(name: string, configuration: TestConfiguration, pluginId = 'json-file'): Promise<string> {
    const id = randomUUID();
    await new RepositoryStore(this.db).insert(this.db.knex, { id, name, pluginId, configuration: this.entries('repository', id, configuration) });
    return id;
  }

  async addPackage(repositoryId: string, name: string, configuration: TestConfiguration): Promise<string> {
    const id = randomUUID();
    await new PackageStore(this.db).insert(this.db.knex, {
      id,
      repositoryId,
      name,
      configuration: this.entries('package', id, configuration),
      fingerprint: randomBytes(16).toString('hex'),
      autoUpdate: false,
      pollIntervalSeconds: 60,
    });
    return id;
  }

  /** Inserts the pipeline (once) and a run of it carrying these materials, and opens its first stage. */
  async startRun(
    definition: PipelineDefinition,
    materials: MaterialRevision[],
    options: { overrides?: Record<string, EnvironmentOverride>; by?: string } = {},
  ): Promise<DbPipelineRunRow> {
    return this.db.knex.transaction(async (trx) => {
      const existing = (await trx('pipelines').where({ name: definition.name }).forUpdate().first()) as { id: string; last_counter: number } | undefined;
      const counter = Number(existing?.last_counter ?? 0) + 1;
      const pipelineId = existing?.id ?? randomUUID();
      if (existing) await trx('pipelines').where({ id: pipelineId }).update({ last_counter: counter });
      else await trx('pipelines').insert({ id: pipelineId, name: definition.name, definition: JSON.stringify(definition), last_counter: counter });
      const by = options.by ?? 'alice';
      const [run] = (await trx('pipeline_runs')
        .insert({
          id: randomUUID(),
          pipeline_id: pipelineId,
          pipeline_name: definition.name,
          counter,
          label: `${counter}`,
          definition: JSON.stringify(definition),
          build_cause: JSON.stringify({ trigger: { kind: 'manual', by, message: 'test' }, materials }),
          environment_overrides: JSON.stringify(options.overrides ?? {}),
          trigger_kind: 'manual',
          triggered_by: by,
          status: 'active',
        })
        .returning('*')) as DbPipelineRunRow[];
      await this.stages.startRun(trx, run);
      return run;
    });
  }

  async stage(runId: string, stage: string): Promise<DbStageRunRow> {
    return (await this.db.knex('stage_runs').where({ run_id: runId, stage_name: stage }).orderBy('counter', 'desc').first()) as DbStageRunRow;
  }

  async job(runId: string, stage: string, job: string): Promise<DbJobRunRow> {
    const stageRow = await this.stage(runId, stage);
    return (await this.db.knex('job_runs').where({ stage_run_id: stageRow.id, job_name: job }).first()) as DbJobRunRow;
  }

  /** Waits until the job is in one of the states (final by default). */
  async waitForJob(runId: string, stage: string, job: string, states: DbJobState[] = FINAL, timeoutMs = 60_000): Promise<DbJobRunRow> {
    return eventually(
      async () => {
        const row = await this.job(runId, stage, job);
        return row && states.includes(row.state) ? row : undefined;
      },
      timeoutMs,
      `job ${stage}/${job} to be ${states.join(' or ')}`,
    );
  }

  /** Stops every agent and removes the database and the work folder. */
  async close(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.stop()));
    for (const db of this.extraDatabases) await db.close();
    await this.db.close();
    await this.database.drop();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }

  private entries(resourceType: 'repository' | 'package', resourceId: string, configuration: TestConfiguration): DbConfigurationEntry[] {
    const plain = Object.entries(configuration.plain ?? {}).map(([key, value]) => ({ key, value }));
    const secure = Object.entries(configuration.secure ?? {}).map(([key, value]) => ({
      key,
      encrypted_value: this.box.encrypt(value, { resourceType, resourceId, key }),
    }));
    return [...plain, ...secure];
  }
}

/** A package material's revision as a build cause records it. */
export function packageRevision(
  name: string,
  ids: { repositoryId: string; packageId: string },
  revision: string,
  data: Record<string, string>,
): MaterialRevision {
  return {
    type: 'package',
    name,
    repository_id: ids.repositoryId,
    repository_name: 'repo',
    package_id: ids.packageId,
    package_name: 'pkg',
    revision_id: 1,
    revision,
    data,
    via_upstream: false,
    changed: true,
  };
}

/** A one-stage pipeline with one job of these tasks. */
export function oneJobPipeline(
  name: string,
  tasks: PipelineDefinition['stages'][number]['jobs'][number]['tasks'],
  extra: Partial<PipelineDefinition> = {},
): PipelineDefinition {
  return {
    name,
    materials: [{ name: 'app', package: { repository: 'repo', package: 'pkg' } }],
    stages: [{ name: 'qa', jobs: [{ name: 'smoke', tasks }] }],
    ...extra,
  };
}
