import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BatonApi } from '../polling/baton-api';
import { BatonProcess, jsonFilePluginsDir } from '../polling/baton-process';
import { packageName, repositoryName } from '../polling/layout';
import { readOptions } from '../polling/options';
import { goalTable, header, seconds, type GoalLine, out, progress } from '../polling/report';
import { FakeRepository } from './fake-repository';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { PipelinesApi, RunCompletions, STAGES, type PollOutcome, type RunKey } from './pipelines-api';
import { handOffSeconds, pickupSeconds, spreadOf, throughputOf, timesOf, triggerSeconds, type RunTimes, type Spread } from './run-times';

const TRIGGER_GOAL_SECONDS = 1;
const FIRST_PICKUP_GOAL_SECONDS = 0.5;
const HAND_OFF_GOAL_SECONDS = 0.5;
const THROUGHPUT_GOAL = 5;

/** The default, set explicitly so that the report names what was measured. */
const AGENT_CONCURRENCY = 2;
/** The packages' interval: unused, as they are polled only on request (auto_update off), but it must pass the server's minimum. */
const POLL_INTERVAL_SECONDS = 10;
const REGISTRATION_CONCURRENCY = 4;
const FIRST_VERSION = '1.0.0';
const NEXT_VERSION = '1.1.0';

const pipelineName = (i: number) => `${packageName(i)}-release`;

/** What the rounds work with. */
interface Setup {
  pipelines: PipelinesApi;
  completions: RunCompletions;
  repository: FakeRepository;
  repositoryId: string;
  /** Package ids by package index. */
  packageIds: string[];
}

/** What one run measured. */
interface Measured {
  setupSeconds: number;
  warmUp: RunTimes;
  firstRound: { runs: number; seconds: number };
  round: RunTimes[];
  /** Publication → the repository poll answered. */
  roundPollSeconds: number;
  /** Publication → every run done. */
  roundSeconds: number;
  roundCpuSeconds: number;
  residentMiB: number;
}

/** `npm run bench:pipelines`: package-triggered pipelines on the built-in agent, goal by goal. */
async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), parseOptions, USAGE);
  if (options === null) return;
  out(header('Baton pipelines benchmark: one process, embedded database, the built-in agent'));
  out(
    `run:     ${options.packages} pipelines${options.quick ? ' (quick)' : ''}, each on a package of its own in one repository (json-file plugin, polled on request); ` +
      `stages ${STAGES.join(' -> ')}, one job running \`true\` each; the agent runs ${AGENT_CONCURRENCY} jobs at once`,
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-pipelines-'));
  const names = Array.from({ length: options.packages }, (_, i) => packageName(i));
  const token = `bench-admin-${randomBytes(16).toString('hex')}`;
  let repository: FakeRepository | null = null;
  let starting: Promise<BatonProcess> | null = null;
  let baton: BatonProcess | null = null;
  let failed = true;
  stopOnSignals(work, () => starting);
  try {
    repository = await FakeRepository.start(names, FIRST_VERSION);
    starting = startBaton(work, token);
    baton = await starting;
    const measured = await measure(options, baton, new BatonApi(baton.url, token), repository);
    out(describe(measured));
    out();
    out(goalTable(goals(measured)));
    failed = false;
  } finally {
    await baton?.stop();
    await repository?.close();
    if (failed) progress(`kept ${work} for a look`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

async function startBaton(work: string, token: string): Promise<BatonProcess> {
  const log = path.join(work, 'baton.log');
  const startedAt = Date.now();
  const baton = await BatonProcess.start(
    {
      BATON_DATA_DIR: path.join(work, 'data'),
      BATON_ADMIN_TOKEN: token,
      BATON_PLUGINS_DIR: jsonFilePluginsDir(work),
      BATON_MIN_POLL_INTERVAL_SECONDS: String(POLL_INTERVAL_SECONDS),
      BATON_AGENT_CONCURRENCY: String(AGENT_CONCURRENCY),
      BATON_SHUTDOWN_DELAY_SECONDS: '0',
    },
    log,
  );
  progress(`Baton ${baton.pid} listens at ${baton.url} after ${seconds((Date.now() - startedAt) / 1000, 1)}; its log: ${log}`);
  return baton;
}

/**
 * An interrupted benchmark stops its Baton too, rather than leaving a server behind — one still
 * starting as soon as it listens. Set before Baton is spawned: a signal that came in between
 * would end this process the default way and leave Baton running.
 */
function stopOnSignals(work: string, baton: () => Promise<BatonProcess> | null): void {
  const stop = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping Baton; kept ${work} for a look`);
    void Promise.resolve(baton())
      .then(
        (started) => started?.stop(),
        () => undefined,
      )
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Registration, the warm-up run, the first revisions of the others, then the measured round. */
async function measure(options: BenchOptions, baton: BatonProcess, api: BatonApi, repository: FakeRepository): Promise<Measured> {
  const registering = Date.now();
  const setup = await register(options, api, repository);
  const setupSeconds = (Date.now() - registering) / 1000;
  progress(`registered ${options.packages} packages and ${options.packages} pipelines in ${seconds(setupSeconds, 1)}`);
  const warmUp = await warmUpRound(setup);
  progress(`warm-up run done: its build job started ${seconds(pickupSeconds(warmUp))} after the run was created`);
  const firstRound = await firstRevisionsRound(setup);
  progress(`${firstRound.runs} more runs on ${FIRST_VERSION} done in ${seconds(firstRound.seconds, 1)}; now the measured round`);
  const round = await measuredRound(setup, baton);
  return { setupSeconds, warmUp, firstRound, ...round, residentMiB: baton.residentMiB() };
}

/**
 * One repository, the packages with auto_update off, and a pipeline on each. Nothing is polled
 * yet: a new pipeline's first run takes what its package holds, and there is nothing, so every run
 * measured comes from a poll on request, once every pipeline exists.
 */
async function register(options: BenchOptions, api: BatonApi, repository: FakeRepository): Promise<Setup> {
  const layout = { packages: options.packages, repositories: 1 };
  const [repositoryId] = await api.register(layout, POLL_INTERVAL_SECONDS, () => repository.url, REGISTRATION_CONCURRENCY, { auto_update: false });
  const ids = new Map((await api.packages()).map((p) => [p.name, p.id]));
  const pipelines = new PipelinesApi(api);
  for (let i = 0; i < options.packages; i += 1) await pipelines.createPipeline(pipelineName(i), repositoryName(0), packageName(i));
  const packageIds = Array.from({ length: options.packages }, (_, i) => ids.get(packageName(i))!);
  return { pipelines, completions: new RunCompletions(pipelines), repository, repositoryId: repositoryId, packageIds };
}

/** The first package alone: its pipeline's run is the only work there is, so nothing queues before its job. */
async function warmUpRound(setup: Setup): Promise<RunTimes> {
  const packageId = setup.packageIds[0];
  expectNew([await setup.pipelines.pollPackage(packageId)], [packageId], FIRST_VERSION);
  const runs = [{ pipeline: pipelineName(0), counter: 1 }];
  await setup.completions.waitFor(runs, timeoutFor(runs.length));
  const [times] = await readTimes(setup, runs);
  return times;
}

/** The other packages' first revisions, found by one poll: their runs warm the server up and are not measured. */
async function firstRevisionsRound(setup: Setup): Promise<{ runs: number; seconds: number }> {
  const started = Date.now();
  const others = setup.packageIds.slice(1);
  if (others.length === 0) return { runs: 0, seconds: 0 };
  expectNew(await setup.pipelines.pollRepository(setup.repositoryId), others, FIRST_VERSION);
  const runs = others.map((_, k) => ({ pipeline: pipelineName(k + 1), counter: 1 }));
  await setup.completions.waitFor(runs, timeoutFor(runs.length));
  return { runs: runs.length, seconds: (Date.now() - started) / 1000 };
}

/** Every package's next version in one document update, found by one repository poll: every pipeline runs at once. */
async function measuredRound(setup: Setup, baton: BatonProcess): Promise<Pick<Measured, 'round' | 'roundPollSeconds' | 'roundSeconds' | 'roundCpuSeconds'>> {
  const started = Date.now();
  const cpuBefore = baton.cpuSeconds();
  setup.repository.publish(
    setup.packageIds.map((_, i) => packageName(i)),
    NEXT_VERSION,
  );
  expectNew(await setup.pipelines.pollRepository(setup.repositoryId), setup.packageIds, NEXT_VERSION);
  const roundPollSeconds = (Date.now() - started) / 1000;
  const runs = setup.packageIds.map((_, i) => ({ pipeline: pipelineName(i), counter: 2 }));
  await setup.completions.waitFor(runs, timeoutFor(runs.length));
  const roundCpuSeconds = baton.cpuSeconds() - cpuBefore;
  const roundSeconds = (Date.now() - started) / 1000;
  // Read after the round, so that the reads do not load the server while it works.
  return { round: await readTimes(setup, runs), roundPollSeconds, roundSeconds, roundCpuSeconds };
}

/** Each run's moments, with when the revision that caused it was recorded. */
async function readTimes(setup: Setup, runs: readonly RunKey[]): Promise<RunTimes[]> {
  const times: RunTimes[] = [];
  for (const key of runs) {
    const run = await setup.pipelines.run(key);
    const cause = run.build_cause.materials[0];
    if (!cause?.package_id || !cause.revision) throw new Error(`run ${key.pipeline}/${key.counter} names no package revision as its cause`);
    times.push(timesOf(run, await setup.pipelines.detectedAt(cause.package_id, cause.revision)));
  }
  return times;
}

/** A bound well beyond the goals (two seconds a job), so that only a stuck run ends the benchmark. */
const timeoutFor = (runs: number) => 60_000 + runs * STAGES.length * 2_000;

/** Each package must have found `version`; otherwise its pipeline has nothing to run and the round means nothing. */
function expectNew(outcomes: readonly PollOutcome[], packageIds: readonly string[], version: string): void {
  const byId = new Map(outcomes.map((o) => [o.package_id, o]));
  for (const id of packageIds) {
    const outcome = byId.get(id);
    if (outcome?.outcome === 'new_revision' && outcome.revision?.revision === version) continue;
    const found = outcome ? `${outcome.outcome} ${outcome.revision?.revision ?? ''}`.trim() : 'no answer';
    throw new Error(`the poll of package ${id} answered ${found}, not a new revision ${version}`);
  }
}

function describe(m: Measured): string {
  const w = m.warmUp;
  const created = m.round.map((t) => t.created);
  const { jobs, seconds: span } = throughputOf(m.round);
  return [
    `setup:   1 repository, ${m.round.length} packages (auto_update off) and ${m.round.length} pipelines registered through the API in ${seconds(m.setupSeconds, 1)}`,
    `warm-up: ${pipelineName(0)} run 1 alone (${packageName(0)} ${FIRST_VERSION}): revision recorded -> run created ${seconds(triggerSeconds(w))}, ` +
      `-> build job started ${seconds(pickupSeconds(w))}; build stage completed -> qa job started ${seconds(handOffSeconds(w))}; ` +
      `last job done ${seconds((w.lastJobCompleted - w.created) / 1000)} after the run was created`,
    `first:   ${m.firstRound.runs} runs on the other packages' ${FIRST_VERSION}, found by one poll, done in ${seconds(m.firstRound.seconds, 1)} (not measured: they warm the server up)`,
    `round:   ${m.round.length} versions ${NEXT_VERSION} in one document update, found by one repository poll in ${seconds(m.roundPollSeconds)}; ` +
      `runs created over ${seconds((Math.max(...created) - Math.min(...created)) / 1000)} (first -> last); ${jobs} jobs done ${seconds(span, 2)} after the first run was created`,
    // Not a goal: with every run at once, this is the queue's length over the agent's pace.
    `queue:   run created -> build job started ${spreadText(spreadOf(m.round.map(pickupSeconds)))} (p50 / p99 / max): ${AGENT_CONCURRENCY} jobs at a time, ` +
      `and runs under way go first, so a run's qa comes before newer runs' builds`,
    `cpu:     Baton ${seconds(m.roundCpuSeconds, 1)} in the round's ${seconds(m.roundSeconds, 1)} (${((100 * m.roundCpuSeconds) / m.roundSeconds).toFixed(1)}% of one core of ${os.cpus().length}), ` +
      `all its threads (not the jobs' own processes); RSS ${m.residentMiB.toFixed(0)} MiB at the end; load at the end ${os.loadavg()[0].toFixed(2)}`,
    `times:   from the API (the database's clock), over the measured round's runs unless said otherwise`,
  ].join('\n');
}

function spreadText(s: Spread): string {
  return `${seconds(s.p50)} / ${seconds(s.p99)} / ${seconds(s.max)}`;
}

function goals(m: Measured): GoalLine[] {
  const n = m.round.length;
  const trigger = spreadOf(m.round.map(triggerSeconds));
  const handOff = spreadOf(m.round.map(handOffSeconds));
  const firstPickup = pickupSeconds(m.warmUp);
  const throughput = throughputOf(m.round);
  const spread = spreadText;
  return [
    {
      goal: `revision recorded -> run created, p99 <= ${TRIGGER_GOAL_SECONDS} s (p50 / p99 / max over ${n} runs)`,
      measured: spread(trigger),
      met: trigger.p99 <= TRIGGER_GOAL_SECONDS,
    },
    {
      goal: `run created -> build job started, the first run alone <= ${FIRST_PICKUP_GOAL_SECONDS} s`,
      measured: seconds(firstPickup),
      met: firstPickup <= FIRST_PICKUP_GOAL_SECONDS,
    },
    {
      goal: `build stage completed -> qa job started, p50 <= ${HAND_OFF_GOAL_SECONDS} s (p50 / p99 / max)`,
      measured: spread(handOff),
      met: handOff.p50 <= HAND_OFF_GOAL_SECONDS,
    },
    {
      goal: `jobs per second >= ${THROUGHPUT_GOAL} (first run created -> last job completed)`,
      measured: `${throughput.perSecond.toFixed(1)} (${throughput.jobs} jobs in ${seconds(throughput.seconds, 2)})`,
      met: throughput.perSecond >= THROUGHPUT_GOAL,
    },
  ];
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:pipelines failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
