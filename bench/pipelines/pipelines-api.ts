import type { BatonApi } from '../polling/baton-api';

/** The first stage and the second: each one job running `true`, the second after the first passes. */
export const STAGES = ['build', 'qa'] as const;
/** Each pipeline's one material: its own package. */
const MATERIAL = 'pkg';

export interface JobView {
  name: string;
  state: string;
  result: string | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface StageView {
  name: string;
  state: string;
  completed_at: string | null;
  jobs: JobView[];
}

/** A run as the API answers it, with what the benchmark reads. */
export interface RunView {
  pipeline: string;
  counter: number;
  status: string;
  created_at: string;
  build_cause: { materials: { package_id?: string; revision?: string }[] };
  stages: StageView[];
}

/** A run, by pipeline and counter. */
export interface RunKey {
  pipeline: string;
  counter: number;
}

export interface PollOutcome {
  package_id: string;
  outcome: string;
  revision?: { revision: string };
}

interface StageCompleted {
  id: number;
  data: { pipeline: string; counter: number; stage: string; state: string };
}

const POLL_WAIT_SECONDS = 60;
const EVENTS_PAGE = 500;

/** The pipeline and run calls the benchmark makes, with the admin token. */
export class PipelinesApi {
  constructor(readonly api: BatonApi) {}

  /** A pipeline on one package: `build`, then `qa` with the default (automatic) approval. */
  async createPipeline(name: string, repository: string, pkg: string): Promise<void> {
    const job = (jobName: string) => ({ name: jobName, tasks: [{ exec: { command: 'true' } }] });
    const body = {
      name,
      materials: [{ name: MATERIAL, package: { repository, package: pkg } }],
      stages: STAGES.map((stage) => ({ name: stage, jobs: [job(stage)] })),
    };
    await this.api.json('POST', '/api/pipelines', body, 201);
  }

  run(key: RunKey): Promise<RunView> {
    return this.api.json('GET', `/api/pipelines/${encodeURIComponent(key.pipeline)}/runs/${key.counter}`);
  }

  /** When Baton recorded this revision of the package (epoch ms), from its revision history. */
  async detectedAt(packageId: string, revision: string): Promise<number> {
    const page = await this.api.json<{ revisions: { revision: string; detected_at: string }[] }>('GET', `/api/packages/${packageId}/revisions?limit=50`);
    const found = page.revisions.find((r) => r.revision === revision);
    if (!found) throw new Error(`package ${packageId} has no revision ${revision} in its history`);
    return Date.parse(found.detected_at);
  }

  async pollPackage(packageId: string): Promise<PollOutcome> {
    // The answer for one package does not name it.
    const answer = await this.api.json<Omit<PollOutcome, 'package_id'>>('POST', `/api/packages/${packageId}/poll?wait=${POLL_WAIT_SECONDS}`);
    return { ...answer, package_id: packageId };
  }

  /** Polls every package of the repository in one request: one download, every new revision at once. */
  async pollRepository(repositoryId: string): Promise<PollOutcome[]> {
    return (await this.api.json<{ packages: PollOutcome[] }>('POST', `/api/repositories/${repositoryId}/poll?wait=${POLL_WAIT_SECONDS}`)).packages;
  }

  /** Stage completions after event `after`, oldest first, a page at a time. */
  async stageCompletions(after: number): Promise<StageCompleted[]> {
    return (await this.api.json<{ events: StageCompleted[] }>('GET', `/api/events/history?after=${after}&limit=${EVENTS_PAGE}&types=stage.run.completed`))
      .events;
  }
}

/**
 * Learns when runs are done from the event history — one request every quarter second whatever
 * the number of runs, so that waiting adds next to nothing to the server's load. A run is done
 * when its last stage completes, or any stage completes without passing.
 */
export class RunCompletions {
  private cursor = 0;
  private readonly done = new Set<string>();

  constructor(private readonly pipelines: PipelinesApi) {}

  async waitFor(runs: readonly RunKey[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.read();
      const pending = runs.filter((r) => !this.done.has(keyOf(r)));
      if (pending.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`${pending.length} of ${runs.length} runs not done after ${timeoutMs / 1000} s, ${keyOf(pending[0])} among them`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private async read(): Promise<void> {
    for (;;) {
      const events = await this.pipelines.stageCompletions(this.cursor);
      for (const { data } of events) {
        if (data.state !== 'passed' || data.stage === STAGES[STAGES.length - 1]) this.done.add(keyOf(data));
      }
      if (events.length > 0) this.cursor = events[events.length - 1].id;
      if (events.length < EVENTS_PAGE) return;
    }
  }
}

const keyOf = (run: RunKey) => `${run.pipeline}/${run.counter}`;
