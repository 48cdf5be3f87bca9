import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BatonApi } from '../polling/baton-api';
import { BatonProcess } from '../polling/baton-process';
import { quantile, type Scrape } from '../polling/prometheus';
import { goalTable, header, seconds, type GoalLine, out, progress, megabytes as mb, milliseconds as ms } from '../polling/report';
import { WATCHED } from './distribution';
import { generatedRepository, type GeneratedRepository } from './generated-repository';
import { OpenLoopLoad, failuresText, type LoadResult } from './open-loop-load';
import { readOptions } from '../polling/options';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { RepositoryServerProcess } from '../polling/repository-server-process';
import type { ServedRequest } from '../polling/repository-server';
import { meanPollSeconds, type PluginMemory, type TimedPoll } from '../polling/plugin-polls';
import { checkOutcomes, YumApi } from './yum-api';
import { zcatSeconds } from './zcat-floor';

const COLD_FACTOR_GOAL = 4;
const UNCHANGED_GOAL_MS = 50;
const MEMORY_GOAL_BYTES = 150e6;
const API_P99_GOAL_MS = 50;
const MEMORY_SAMPLE_MS = 50;

/** What one run measured. */
interface Measured {
  zcat: number[];
  cold: TimedPoll;
  coldCpuSeconds: number;
  coldServed: ServedRequest[];
  unchanged: TimedPoll[];
  unchangedServed: ServedRequest[];
  before: PluginMemory;
  after: PluginMemory;
  load: LoadResult;
  /** Poll durations the server itself measured (baton_poll_duration_seconds): the cold poll's, and each unchanged one's. */
  serverSeconds: { cold: number; unchanged: number[] };
  residentMiB: { before: number; after: number };
}

/** `npm run bench:yum`: Baton polls a generated distribution-sized yum repository, goal by goal. */
async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), parseOptions, USAGE);
  if (options === null) return;
  out(header('Baton yum benchmark: one process, embedded database, the bundled yum plugin'));
  const repository = await generatedRepository(options.packages, progress);
  out(describeRepository(repository, options));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-yum-run-'));
  const server = await RepositoryServerProcess.start(repository.dir);
  const token = `bench-admin-${randomBytes(16).toString('hex')}`;
  const nodeArgs = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(work, 'profiles')}`] : [];
  const baton = await BatonProcess.start(
    {
      BATON_DATA_DIR: path.join(work, 'data'),
      BATON_ADMIN_TOKEN: token,
      BATON_PLUGIN_MEMORY_SAMPLE_MS: String(MEMORY_SAMPLE_MS),
      BATON_SHUTDOWN_DELAY_SECONDS: '0',
    },
    path.join(work, 'baton.log'),
    nodeArgs,
  );
  progress(`Baton ${baton.pid} listens at ${baton.url}; its log: ${path.join(work, 'baton.log')}`);
  let failed = true;
  try {
    const api = new BatonApi(baton.url, token);
    const measured = await measure(options, { repository, yum: new YumApi(api), baton, server, token, api });
    out(describe(measured, options));
    out();
    out(goalTable(goals(measured, options)));
    failed = false;
  } finally {
    await baton.stop();
    server.stop();
    if (failed || options.profile) progress(`kept ${work} for a look`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

/** What a run works with: the generated repository and its server, Baton and its API. */
interface Parts {
  repository: GeneratedRepository;
  yum: YumApi;
  baton: BatonProcess;
  server: RepositoryServerProcess;
  token: string;
  api: BatonApi;
}

async function measure(options: BenchOptions, parts: Parts): Promise<Measured> {
  const { yum, baton, server, api } = parts;
  const zcat: number[] = [];
  for (let run = 0; run < options.zcatRuns; run += 1) zcat.push(await zcatSeconds(parts.repository.primaryFile));
  progress(`zcat: ${zcat.map((s) => seconds(s)).join(', ')}`);
  await yum.register(server.url, WATCHED);
  const before = await yum.memory();
  const residentBefore = baton.residentMiB();
  await server.requests();
  const startScrape = await api.scrape();
  const cpuBefore = baton.cpuSeconds();
  const { cold, load } = await coldPollUnderLoad(options, parts);
  const coldCpuSeconds = baton.cpuSeconds() - cpuBefore;
  checkOutcomes(cold, WATCHED, 'new_revision');
  progress(`cold poll: ${seconds(cold.seconds)}`);
  const after = await yum.memory();
  const coldServed = await server.requests();
  const coldScrape = await api.scrape();
  const { unchanged, unchangedSeconds } = await unchangedPolls(options, yum, api, coldScrape);
  const unchangedServed = await server.requests();
  const serverSeconds = { cold: meanPollSeconds(startScrape, coldScrape), unchanged: unchangedSeconds };
  const residentMiB = { before: residentBefore, after: baton.residentMiB() };
  return { zcat, cold, coldCpuSeconds, coldServed, unchanged, unchangedServed, before, after, load, serverSeconds, residentMiB };
}

/** Polls of the unchanged repository, one at a time, each also timed by the server. */
async function unchangedPolls(
  options: BenchOptions,
  yum: YumApi,
  api: BatonApi,
  first: Scrape,
): Promise<{ unchanged: TimedPoll[]; unchangedSeconds: number[] }> {
  const unchanged: TimedPoll[] = [];
  const unchangedSeconds: number[] = [];
  let previous = first;
  for (let run = 0; run < options.unchangedPolls; run += 1) {
    const poll = await yum.poll();
    checkOutcomes(poll, WATCHED, 'no_change');
    const scrape = await api.scrape();
    unchanged.push(poll);
    unchangedSeconds.push(meanPollSeconds(previous, scrape));
    previous = scrape;
  }
  return { unchanged, unchangedSeconds };
}

/** The first poll, while the open-loop load runs on GET /api/plugins; the load stops when the poll is answered. */
async function coldPollUnderLoad(options: BenchOptions, parts: Parts): Promise<{ cold: TimedPoll; load: LoadResult }> {
  const load = new OpenLoopLoad(new URL('/api/plugins', parts.baton.url), { authorization: `Bearer ${parts.token}` }, options.apiRate);
  load.start();
  try {
    const cold = await parts.yum.poll();
    return { cold, load: await load.stop() };
  } catch (error) {
    await load.stop();
    throw error;
  }
}

function describeRepository(repository: GeneratedRepository, options: BenchOptions): string {
  const where = repository.generated ? 'generated into' : 'from the cache at';
  return `repo:      ${options.packages} packages${options.quick ? ' (quick)' : ''}, primary.xml ${mb(repository.xmlBytes)}, gzip ${mb(repository.compressedBytes)}; ${where} ${repository.dir}`;
}

function describe(m: Measured, options: BenchOptions): string {
  const primary = m.coldServed.filter((r) => r.path.includes('primary'));
  const repomd304 = m.unchangedServed.filter((r) => r.path.endsWith('repomd.xml') && r.status === 304).length;
  const unchangedPrimary = m.unchangedServed.filter((r) => r.path.includes('primary')).length;
  const found = WATCHED.map(({ spec, expected }) => `${spec} -> ${expected}`).join(', ');
  return [
    `zcat:      ${m.zcat.map((s) => seconds(s)).join(', ')} (zcat to /dev/null, ${options.zcatRuns} runs)`,
    `cold:      ${seconds(m.cold.seconds)} through the API; ${m.coldServed.length} repository requests (${primary.length} of primary, ${mb(sum(primary.map((r) => r.bytes)))}); ` +
      `the server timed the poll at ${seconds(m.serverSeconds.cold)}; Baton CPU ${seconds(m.coldCpuSeconds, 2)} (all threads)`,
    `found:     ${found}`,
    `unchanged: ${m.unchanged.map((p) => ms(p.seconds * 1000)).join(', ')} through the API; the server timed them at ${m.serverSeconds.unchanged.map((x) => ms(x * 1000)).join(', ')}; ` +
      `${repomd304} repomd.xml answers 304, ${unchangedPrimary} primary downloads`,
    `memory:    yum worker peak ${mb(m.after.peak_total_bytes)} (heap used + external, sampled every ${MEMORY_SAMPLE_MS} ms), ${mb(m.before.peak_total_bytes)} before the cold poll; ` +
      `Baton RSS (whole process) ${m.residentMiB.before.toFixed(0)} MiB before, ${m.residentMiB.after.toFixed(0)} MiB after`,
    `api:       ${m.load.latencies.length} GET /api/plugins at ${options.apiRate}/s during the cold poll (${failuresText(m.load)}): ` +
      `p50 ${ms(quantile(m.load.latencies, 0.5))}, p99 ${ms(quantile(m.load.latencies, 0.99))}, max ${ms(quantile(m.load.latencies, 1))}, ` +
      `from each request's due time; the generator's own send delay p99 ${ms(quantile(m.load.sendDelays, 0.99))}`,
  ].join('\n');
}

function goals(m: Measured, options: BenchOptions): GoalLine[] {
  const floor = quantile(m.zcat, 0.5);
  const unchanged = quantile(
    m.unchanged.map((p) => p.seconds * 1000),
    0.5,
  );
  const p99 = quantile(m.load.latencies, 0.99);
  return [
    {
      goal: `cold poll <= ${COLD_FACTOR_GOAL} x zcat floor (median of ${options.zcatRuns}: ${seconds(floor)})`,
      measured: `${seconds(m.cold.seconds)} (${(m.cold.seconds / floor).toFixed(2)} x)`,
      met: m.cold.seconds <= COLD_FACTOR_GOAL * floor,
    },
    {
      goal: `unchanged poll < ${UNCHANGED_GOAL_MS} ms (median of ${options.unchangedPolls})`,
      measured: ms(unchanged),
      met: unchanged < UNCHANGED_GOAL_MS,
    },
    {
      goal: `peak worker memory < ${mb(MEMORY_GOAL_BYTES)} (heap used + external)`,
      measured: mb(m.after.peak_total_bytes),
      met: m.after.peak_total_bytes < MEMORY_GOAL_BYTES,
    },
    {
      goal: `API p99 < ${API_P99_GOAL_MS} ms (GET /api/plugins, ${options.apiRate}/s, cold poll)`,
      measured: `${ms(p99)} over ${m.load.latencies.length} requests`,
      met: m.load.latencies.length === 0 ? null : m.load.failures === 0 && p99 < API_P99_GOAL_MS,
    },
  ];
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

main().catch((error: unknown) => {
  process.stderr.write(`bench:yum failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
