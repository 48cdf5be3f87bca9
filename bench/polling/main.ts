import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BatonApi, type ListedPackage } from './baton-api';
import { BatonProcess, jsonFilePluginsDir } from './baton-process';
import { EventWatch } from './event-watch';
import { FakeRepositoriesProcess } from './fake-repositories-process';
import { measureLag, type PackageGrid } from './lag';
import { packagesIn, repositoryOf, type Layout } from './layout';
import { measureHints } from './measure-hints';
import { measureWindow, TAIL_MS, type WindowFacts } from './measure-window';
import { MANY_USAGE, parseManyOptions, runManyRepositories } from './many-repositories';
import { parseOptions, readOptions, USAGE, type BenchOptions } from './options';
import { histogramQuantile, quantile, shareAtOrBelow } from './prometheus';
import { goalTable, header, seconds, type GoalLine, out, progress } from './report';

const LAG_GOAL_SECONDS = 2;
const HINT_GOAL_SECONDS = 1;
const CPU_GOAL_SECONDS_PER_1000 = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SCENARIOS_USAGE = `usage: npm run bench:polling -- [shared | many] [flags]
shared: packages in a few repositories (fake json-file repositories); many: thousands of yum repositories of one package each.
Without a scenario both run, with their defaults (or --quick).

${USAGE}

${MANY_USAGE}`;

/** `npm run bench:polling`: both scenarios, or the one named first. */
async function main(): Promise<void> {
  const [first, ...rest] = process.argv.slice(2);
  if (first === 'shared') return runShared(rest);
  if (first === 'many') return runMany(rest);
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) return void process.stdout.write(`${SCENARIOS_USAGE}\n`);
  if (argv.some((arg) => arg !== '--quick')) {
    process.stderr.write(`name a scenario to give it flags other than --quick\n${SCENARIOS_USAGE}\n`);
    process.exit(2);
  }
  await runShared(argv);
  out();
  await runMany(argv);
}

async function runMany(argv: string[]): Promise<void> {
  const options = readOptions(argv, parseManyOptions, MANY_USAGE);
  if (options !== null) await runManyRepositories(options);
}

/** Baton on a fresh embedded database polling fake repositories, goal by goal. */
async function runShared(argv: string[]): Promise<void> {
  const options = readOptions(argv, parseOptions, USAGE);
  if (options === null) return;
  out(header('Baton polling benchmark: one process, embedded database'));
  out(
    `run:     ${options.packages} packages in ${options.repositories} repositories (json-file plugin), every ${options.intervalSeconds} s; ` +
      `window ${options.durationSeconds} s${options.quick ? ' (quick)' : ''}; ${options.publications} versions found by polling, ${options.hints} by refresh hints`,
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-'));
  const fake = await FakeRepositoriesProcess.start({ packages: options.packages, repositories: options.repositories });
  const token = `bench-admin-${randomBytes(16).toString('hex')}`;
  const startedAt = Date.now();
  const baton = await BatonProcess.start(
    {
      BATON_DATA_DIR: path.join(work, 'data'),
      BATON_ADMIN_TOKEN: token,
      BATON_PLUGINS_DIR: jsonFilePluginsDir(work),
      BATON_MIN_POLL_INTERVAL_SECONDS: String(Math.min(10, options.intervalSeconds)),
      BATON_SHUTDOWN_DELAY_SECONDS: '0',
    },
    path.join(work, 'baton.log'),
  );
  progress(`Baton ${baton.pid} listens at ${baton.url} after ${seconds((Date.now() - startedAt) / 1000, 1)}; its log: ${path.join(work, 'baton.log')}`);
  let watch: EventWatch | null = null;
  let failed = true;
  try {
    watch = await EventWatch.open(baton.url, token);
    await measure(options, new BatonApi(baton.url, token), baton, fake, watch);
    failed = false;
  } finally {
    watch?.close();
    await baton.stop();
    fake.stop();
    if (failed) progress(`kept ${work} for a look`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Registration, the first polls, the measured window, the hints; then the report. */
async function measure(options: BenchOptions, api: BatonApi, baton: BatonProcess, fake: FakeRepositoriesProcess, watch: EventWatch): Promise<void> {
  const layout: Layout = { packages: options.packages, repositories: options.repositories };
  const registering = Date.now();
  const repositoryIds = await api.register(layout, options.intervalSeconds, (r) => fake.urlOf(r), options.registrationConcurrency);
  const registeredIn = (Date.now() - registering) / 1000;
  progress(`registered ${options.packages} packages in ${seconds(registeredIn, 1)}`);
  const listed = await firstPolls(api, options.packages, (options.intervalSeconds + 300) * 1000);
  out(
    `setup:   registered through the API in ${seconds(registeredIn, 1)} (${(options.packages / registeredIn).toFixed(1)} packages/s, ` +
      `${options.registrationConcurrency} at a time); every package polled once ${seconds((Date.now() - registering) / 1000 - registeredIn, 1)} later`,
  );
  const ids = new Map(listed.map((p) => [indexOf(p), p.id]));
  // Publications and hints go to different repositories, spread over all of them.
  const target = (k: number, count: number, pick: (indexes: number[]) => number) => {
    const repository = Math.floor((k * options.repositories) / count);
    const packageIndex = pick(packagesIn(layout, repository));
    return { repository, packageIndex, packageId: ids.get(packageIndex)!, repositoryId: repositoryIds[repository] };
  };
  progress(`measuring for ${options.durationSeconds} s (+${TAIL_MS / 1000} s for the last slots' polls)`);
  const publications = Array.from({ length: options.publications }, (_, k) => target(k, options.publications, (p) => p[0]));
  const facts = await measureWindow({ api, baton, fake, watch }, options.durationSeconds, options.intervalSeconds, publications);
  progress(`sending ${options.hints} refresh hints`);
  const hinted = await measureHints(
    api,
    fake,
    watch,
    Array.from({ length: options.hints }, (_, h) => target(h, options.hints, (p) => p[p.length - 1])),
  );
  const polled = await facts.publicationLatencies;
  out(describeWindow(facts, baton));
  out();
  out(goalTable(goals(options, gridsOf(listed, layout), facts, polled, hinted)));
}

/** Waits until no package waits for its first poll; answers the packages as then listed. */
async function firstPolls(api: BatonApi, count: number, timeoutMs: number): Promise<ListedPackage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = await api.packages();
    const pending = listed.filter((p) => p.poll.status === 'pending').length;
    if (pending === 0 && listed.length === count) return listed;
    if (Date.now() > deadline) throw new Error(`${pending} packages still wait for their first poll`);
    progress(`${pending} of ${count} packages wait for their first poll`);
    await sleep(3000);
  }
}

const indexOf = (p: ListedPackage) => Number(p.name.slice('pkg-'.length));

/** Each healthy package's grid, from the slot the list shows (a failing package's next poll is a back-off, not a slot). */
function gridsOf(listed: ListedPackage[], layout: Layout): PackageGrid[] {
  return listed
    .filter((p) => p.poll.status === 'ok' && p.poll.next_poll_at !== null)
    .map((p) => ({ repository: repositoryOf(layout, indexOf(p)), slotMs: Date.parse(p.poll.next_poll_at!), intervalMs: p.poll_interval_seconds * 1000 }));
}

function describeWindow(facts: WindowFacts, baton: BatonProcess): string {
  const windowSeconds = (facts.untilMs - facts.fromMs) / 1000;
  return [
    `window:  ${seconds(windowSeconds, 1)} from ${new Date(facts.fromMs).toISOString()}: ${facts.polls} package polls (${facts.failedPolls} failed) ` +
      `in ${facts.requestsInWindow} repository requests (${(facts.polls / Math.max(1, facts.requestsInWindow)).toFixed(1)} packages per request)`,
    `cpu:     Baton ${seconds(facts.cpuSeconds, 1)} in the window (${((100 * facts.cpuSeconds) / windowSeconds).toFixed(1)}% of one core of ${os.cpus().length}), ` +
      `RSS ${baton.residentMiB().toFixed(0)} MiB at the end; fake repositories ${seconds(facts.fakeCpuSeconds, 1)}; load at the end ${os.loadavg()[0].toFixed(2)}`,
  ].join('\n');
}

function goals(options: BenchOptions, grids: PackageGrid[], facts: WindowFacts, polled: (number | null)[], hinted: (number | null)[]): GoalLine[] {
  const windowSeconds = (facts.untilMs - facts.fromMs) / 1000;
  const pollsPerSecond = facts.polls / windowSeconds;
  const wanted = (options.packages / options.intervalSeconds) * 0.95;
  const { lags, unserved } = measureLag(grids, facts.requests, facts.fromMs, facts.untilMs);
  const all = [...lags, ...Array<number>(unserved).fill(Infinity)];
  const [p50, p99, max] = [quantile(all, 0.5), quantile(all, 0.99), quantile(all, 1)];
  const lagMax = Number.isFinite(max) ? seconds(max) : `> ${seconds(TAIL_MS / 1000, 0)} (${unserved} slots unserved)`;
  const server = facts.serverLag;
  const cpuPer1000 = facts.cpuSeconds / (facts.polls / 1000);
  return [
    {
      goal: `polls per second >= ${wanted.toFixed(1)} (${options.packages} / ${options.intervalSeconds} s x 0.95)`,
      measured: `${pollsPerSecond.toFixed(1)} (${facts.polls} in ${seconds(windowSeconds, 1)})`,
      met: pollsPerSecond >= wanted,
    },
    {
      goal: `scheduling lag p99 < ${LAG_GOAL_SECONDS} s, per package slot (p50 / p99 / max)`,
      measured: `${seconds(p50)} / ${seconds(p99)} / ${lagMax} over ${all.length} slots`,
      met: all.length === 0 ? null : p99 < LAG_GOAL_SECONDS,
    },
    {
      goal: `scheduling lag p99 < ${LAG_GOAL_SECONDS} s, server histogram per claim (p50 / p99 est.)`,
      measured:
        `${(100 * shareAtOrBelow(server, LAG_GOAL_SECONDS)).toFixed(2)}% of ${server.count} claims <= ${LAG_GOAL_SECONDS} s; ` +
        `~${seconds(histogramQuantile(server, 0.5))} / ~${seconds(histogramQuantile(server, 0.99))}`,
      met: server.count === 0 ? null : shareAtOrBelow(server, LAG_GOAL_SECONDS) >= 0.99,
    },
    {
      goal: `CPU seconds per 1,000 polls < ${CPU_GOAL_SECONDS_PER_1000} s (Baton process, all threads)`,
      measured: seconds(cpuPer1000),
      met: facts.polls === 0 ? null : cpuPer1000 < CPU_GOAL_SECONDS_PER_1000,
    },
    latencyGoal(
      `published -> recorded + event, by polling <= ${options.intervalSeconds + LAG_GOAL_SECONDS} s (interval + lag goal)`,
      polled,
      (max) => max <= options.intervalSeconds + LAG_GOAL_SECONDS,
    ),
    latencyGoal(`published -> recorded + event, by refresh hint < ${HINT_GOAL_SECONDS} s (each)`, hinted, (max) => max < HINT_GOAL_SECONDS),
  ];
}

/** Median and max of measured latencies; every one must have arrived and the max be within the limit. */
function latencyGoal(goal: string, latencies: (number | null)[], within: (max: number) => boolean): GoalLine {
  const arrived = latencies.filter((l): l is number => l !== null);
  if (latencies.length === 0) return { goal, measured: 'none measured', met: null };
  const lost = latencies.length - arrived.length;
  const max = quantile(arrived, 1);
  return {
    goal,
    measured: `median ${seconds(quantile(arrived, 0.5))}, max ${seconds(max)} (${arrived.length} of ${latencies.length} arrived)`,
    met: lost === 0 && within(max),
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:polling failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
