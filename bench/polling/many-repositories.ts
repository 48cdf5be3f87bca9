import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { WATCHED } from '../yum/distribution';
import { generatedRepository } from '../yum/generated-repository';
import { OpenLoopLoad, failuresText, type LoadResult } from '../yum/open-loop-load';
import { BatonApi } from './baton-api';
import { BatonProcess } from './baton-process';
import { parseFlags, type Flags } from './options';
import { quantile, total } from './prometheus';
import { goalTable, header, milliseconds, out, progress, seconds, type GoalLine } from './report';
import { RepositoryServerProcess } from './repository-server-process';
import type { ServedRequest } from './repository-server';

/** What one run of the many-repositories scenario does. */
export interface ManyOptions {
  repositories: number;
  intervalSeconds: number;
  durationSeconds: number;
  registrationConcurrency: number;
  /** GET /api/packages/:id per second during the window, open loop. */
  apiRate: number;
  /** Baton processes sharing the PostgreSQL database (with --postgres). */
  processes: number;
  /** An administrative PostgreSQL URL; the scenario then runs on PostgreSQL too, in a database of its own. */
  postgres: string | null;
  /** Start Baton with --cpu-prof; the profiles stay in the run's folder. */
  profile: boolean;
  quick: boolean;
}

const DEFAULTS: ManyOptions = {
  repositories: 5000,
  intervalSeconds: 60,
  durationSeconds: 180,
  registrationConcurrency: 8,
  apiRate: 20,
  processes: 3,
  postgres: null,
  profile: false,
  quick: false,
};
const QUICK: Partial<ManyOptions> = { repositories: 500, intervalSeconds: 20, durationSeconds: 45 };
const FLAGS: Flags<ManyOptions> = {
  '--repositories': 'repositories',
  '--interval': 'intervalSeconds',
  '--duration': 'durationSeconds',
  '--registration-concurrency': 'registrationConcurrency',
  '--api-rate': 'apiRate',
  '--processes': 'processes',
};

export const MANY_USAGE = `usage: npm run bench:polling -- many [--quick] [--repositories N] [--interval SECONDS] [--duration SECONDS]
       [--registration-concurrency N] [--api-rate N] [--processes N] [--postgres URL] [--profile]
defaults: ${Object.entries(FLAGS)
  .map(([flag, key]) => `${flag} ${String(DEFAULTS[key])}`)
  .join(', ')}
--quick: --repositories ${QUICK.repositories}, --interval ${QUICK.intervalSeconds}, --duration ${QUICK.durationSeconds} (other flags still apply)
--postgres URL: also run on PostgreSQL (one process, then --processes), each time in a new database made through URL and dropped after
--profile: start Baton with --cpu-prof; the profiles (one per thread) stay in the run's folder`;

const CPU_GOAL_PER_1000 = 3;
const GAP_SLACK_SECONDS = 2;
const API_P99_GOAL_MS = 50;
const CREATIONS_GOAL_PER_SECOND = 100;
/** Packages in the one generated yum repository every benchmark repository serves. */
const YUM_PACKAGES = 1000;

/** Reads the scenario's flags: numbers as `--flag N` or `--flag=N`, `--postgres URL`, `--profile`, `--quick`. */
export function parseManyOptions(argv: readonly string[]): ManyOptions {
  const rest: string[] = [];
  let postgres: string | null = null;
  let profile = false;
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    if (flag === '--profile') profile = true;
    else if (flag === '--postgres') postgres = inline ?? argv[(i += 1)] ?? '';
    else rest.push(argv[i]);
  }
  const options = { ...parseFlags(rest, DEFAULTS, QUICK, FLAGS, MANY_USAGE), postgres, profile };
  if (postgres !== null && !/^postgres(ql)?:\/\//.test(postgres)) throw new Error(`--postgres needs a postgres:// URL, not '${postgres}'\n${MANY_USAGE}`);
  if (options.repositories < 1 || options.intervalSeconds < 1 || options.processes < 1)
    throw new Error(`--repositories, --interval and --processes must be at least 1\n${MANY_USAGE}`);
  if (options.durationSeconds < options.intervalSeconds)
    throw new Error(`--duration must be at least --interval, or a package may rightly go unpolled in the window\n${MANY_USAGE}`);
  return options;
}

/** One Baton set-up to measure: its database and how many processes share it. */
interface Setup {
  label: string;
  processes: number;
  /** Null: the embedded database. */
  databaseUrl: string | null;
}

/** What one set-up measured. */
interface RunFacts {
  setup: Setup;
  creations: number;
  registrationSeconds: number;
  firstPollsSeconds: number;
  windowSeconds: number;
  /** Per process: package polls (one package per repository: repository polls) and CPU seconds in the window. */
  polls: number[];
  cpuSeconds: number[];
  residentMiB: number[];
  /** Seconds between two polls of one repository, where the second fell in the window. */
  gaps: number[];
  unpolled: number;
  api: LoadResult;
}

/** `npm run bench:polling -- many`: thousands of yum repositories with one package each, on one host answering 304. */
export async function runManyRepositories(options: ManyOptions): Promise<void> {
  out(header('Baton polling benchmark: many repositories, one package each'));
  out(
    `run:     ${options.repositories} yum repositories of one package each on one loopback host (304 when unchanged), every ${options.intervalSeconds} s; ` +
      `window ${options.durationSeconds} s${options.quick ? ' (quick)' : ''}; GET /api/packages/:id at ${options.apiRate}/s`,
  );
  const repository = await generatedRepository(YUM_PACKAGES, progress);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-many-'));
  // Every repository is the same files under a path of its own, as a repository manager serves many.
  for (let r = 0; r < options.repositories; r += 1) fs.symlinkSync(repository.dir, path.join(root, `r${r}`), 'dir');
  const server = await RepositoryServerProcess.start(root);
  const setups: Setup[] = [{ label: 'embedded database, one process', processes: 1, databaseUrl: null }];
  if (options.postgres !== null) {
    setups.push({ label: 'PostgreSQL, one process', processes: 1, databaseUrl: options.postgres });
    if (options.processes > 1)
      setups.push({ label: `PostgreSQL, ${options.processes} processes`, processes: options.processes, databaseUrl: options.postgres });
  }
  try {
    for (const setup of setups) {
      const facts = await runSetup(setup, options, server);
      out();
      out(`--- ${setup.label}`);
      out(describe(facts));
      out(goalTable(goals(facts, options)));
    }
  } finally {
    server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function runSetup(setup: Setup, options: ManyOptions, server: RepositoryServerProcess): Promise<RunFacts> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-many-run-'));
  const database = setup.databaseUrl === null ? null : await ScratchDatabase.create(setup.databaseUrl);
  const token = `bench-admin-${randomBytes(16).toString('hex')}`;
  const secretKey = randomBytes(32).toString('base64');
  const batons: BatonProcess[] = [];
  let failed = true;
  try {
    for (let k = 0; k < setup.processes; k += 1) {
      const env: Record<string, string> = {
        BATON_DATA_DIR: path.join(work, `data-${k}`),
        BATON_ADMIN_TOKEN: token,
        BATON_SHUTDOWN_DELAY_SECONDS: '0',
        BATON_MIN_POLL_INTERVAL_SECONDS: String(Math.min(10, options.intervalSeconds)),
        ...(database && { DATABASE_URL: database.url, BATON_SECRET_KEY: secretKey }),
      };
      const nodeArgs = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(work, `profiles-${k}`)}`] : [];
      batons.push(await BatonProcess.start(env, path.join(work, `baton-${k}.log`), nodeArgs));
    }
    progress(`${setup.label}: Baton ${batons.map((b) => b.pid).join(', ')}; logs in ${work}`);
    const facts = await measureSetup(setup, options, server, batons, token);
    failed = false;
    return facts;
  } finally {
    await Promise.all(batons.map((b) => b.stop()));
    await database?.drop();
    if (failed || options.profile) progress(`kept ${work} for a look`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

async function measureSetup(setup: Setup, options: ManyOptions, server: RepositoryServerProcess, batons: BatonProcess[], token: string): Promise<RunFacts> {
  const apis = batons.map((b) => new BatonApi(b.url, token));
  const registering = Date.now();
  const packageIds = await register(apis[0], options, server.url);
  const registrationSeconds = (Date.now() - registering) / 1000;
  progress(`registered ${options.repositories} repositories and packages in ${seconds(registrationSeconds, 1)}`);
  await waitForFirstPolls(apis[0], options.repositories, (options.intervalSeconds + 600) * 1000);
  const firstPollsSeconds = (Date.now() - registering) / 1000 - registrationSeconds;
  const before = await server.requests();
  const lastBefore = lastPollOf(before);
  progress(`measuring for ${options.durationSeconds} s`);
  const scrapesBefore = await Promise.all(apis.map((a) => a.scrape()));
  const cpuBefore = batons.map((b) => b.cpuSeconds());
  const fromMs = Date.now();
  const load = new OpenLoopLoad(
    new URL('/api/packages', batons[0].url),
    { authorization: `Bearer ${token}` },
    options.apiRate,
    (k) => `/api/packages/${packageIds[k % packageIds.length]}`,
  );
  load.start();
  await new Promise((resolve) => setTimeout(resolve, options.durationSeconds * 1000));
  const api = await load.stop();
  const untilMs = Date.now();
  const cpuAfter = batons.map((b) => b.cpuSeconds());
  const scrapesAfter = await Promise.all(apis.map((a) => a.scrape()));
  const inWindow = (await server.requests()).filter((r) => isPoll(r) && r.at <= untilMs);
  const { gaps, unpolled } = pollGaps(lastBefore, inWindow, options.repositories);
  return {
    setup,
    creations: 2 * options.repositories,
    registrationSeconds,
    firstPollsSeconds,
    windowSeconds: (untilMs - fromMs) / 1000,
    polls: scrapesAfter.map((after, k) => total(after, 'baton_polls_total') - total(scrapesBefore[k], 'baton_polls_total')),
    cpuSeconds: cpuAfter.map((after, k) => after - cpuBefore[k]),
    residentMiB: batons.map((b) => b.residentMiB()),
    gaps,
    unpolled,
    api,
  };
}

/** Each repository, then its package, `concurrency` at a time; answers the package ids. */
async function register(api: BatonApi, options: ManyOptions, origin: string): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let r = next++; r < options.repositories; r = next++) {
      const repository = { name: `bench-yum-${r}`, plugin_id: 'yum', configuration: [{ key: 'REPO_URL', value: `${origin}r${r}/` }] };
      const { id } = await api.json<{ id: string }>('POST', '/api/repositories', repository, 201);
      const body = {
        name: `watched-${r}`,
        repository_id: id,
        configuration: [{ key: 'PACKAGE_SPEC', value: WATCHED[r % WATCHED.length].spec }],
        poll_interval_seconds: options.intervalSeconds,
      };
      ids[r] = (await api.json<{ id: string }>('POST', '/api/packages', body, 201)).id;
    }
  };
  await Promise.all(Array.from({ length: options.registrationConcurrency }, worker));
  return ids;
}

async function waitForFirstPolls(api: BatonApi, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A busy machine may drop a connection now and then: the next round asks again.
    const listed = await api.packages().catch((error: unknown) => {
      progress(`listing the packages failed (${(error as Error).message}); asking again`);
      return null;
    });
    const pending = listed?.filter((p) => p.poll.status === 'pending').length ?? count;
    const failing = listed?.filter((p) => p.poll.status === 'failing').length ?? 0;
    if (failing > 0) throw new Error(`${failing} packages fail their polls; see the Baton log`);
    if (pending === 0 && listed?.length === count) return;
    if (Date.now() > deadline) throw new Error(`${pending} packages still wait for their first poll`);
    progress(`${pending} of ${count} packages wait for their first poll`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

const POLL_PATH = /^\/r(\d+)\/repodata\/repomd\.xml$/;
const isPoll = (request: ServedRequest) => POLL_PATH.test(request.path);
const repositoryIndex = (request: ServedRequest) => Number(POLL_PATH.exec(request.path)![1]);

function lastPollOf(requests: ServedRequest[]): Map<number, number> {
  const last = new Map<number, number>();
  for (const request of requests.filter(isPoll)) last.set(repositoryIndex(request), Math.max(request.at, last.get(repositoryIndex(request)) ?? 0));
  return last;
}

/** Gaps between consecutive polls of each repository ending in the window, and the repositories the window never polled. */
function pollGaps(lastBefore: Map<number, number>, inWindow: ServedRequest[], repositories: number): { gaps: number[]; unpolled: number } {
  const times = new Map<number, number[]>();
  for (const request of inWindow) {
    const index = repositoryIndex(request);
    times.set(index, [...(times.get(index) ?? []), request.at]);
  }
  const gaps: number[] = [];
  let unpolled = 0;
  for (let r = 0; r < repositories; r += 1) {
    const polls = (times.get(r) ?? []).sort((a, b) => a - b);
    if (polls.length === 0) unpolled += 1;
    let previous = lastBefore.get(r);
    for (const at of polls) {
      if (previous !== undefined) gaps.push((at - previous) / 1000);
      previous = at;
    }
  }
  return { gaps, unpolled };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function describe(facts: RunFacts): string {
  const polls = sum(facts.polls);
  const cpu = sum(facts.cpuSeconds);
  const shares = facts.polls.length > 1 ? ` (shares ${facts.polls.map((p) => `${((100 * p) / Math.max(1, polls)).toFixed(0)}%`).join(' / ')})` : '';
  return [
    `setup:   ${facts.creations} creations in ${seconds(facts.registrationSeconds, 1)}; every package polled once ${seconds(facts.firstPollsSeconds, 1)} later`,
    `window:  ${seconds(facts.windowSeconds, 1)}: ${polls} repository polls${shares}, ${(polls / facts.windowSeconds).toFixed(1)} per second`,
    `cpu:     ${facts.cpuSeconds.map((c) => seconds(c, 1)).join(' + ')} in the window; per 1,000 polls ` +
      `${facts.cpuSeconds.map((c, k) => seconds(c / (facts.polls[k] / 1000), 2)).join(' / ')}; load ${os.loadavg()[0].toFixed(2)} at the end`,
    `memory:  RSS ${facts.residentMiB.map((m) => `${m.toFixed(0)} MiB`).join(' / ')} at the end`,
    `gaps:    p50 ${seconds(quantile(facts.gaps, 0.5), 2)}, p99 ${seconds(quantile(facts.gaps, 0.99), 2)}, max ${seconds(quantile(facts.gaps, 1), 2)} over ${facts.gaps.length} gaps; ${cpu > 0 ? '' : 'no CPU measured; '}${facts.unpolled} repositories unpolled`,
    `api:     GET /api/packages/:id p50 ${milliseconds(quantile(facts.api.latencies, 0.5))}, p99 ${milliseconds(quantile(facts.api.latencies, 0.99))} ` +
      `over ${facts.api.latencies.length} answers, ${failuresText(facts.api)}`,
  ].join('\n');
}

function goals(facts: RunFacts, options: ManyOptions): GoalLine[] {
  const polls = sum(facts.polls);
  const cpuPer1000 = sum(facts.cpuSeconds) / (polls / 1000);
  const gapP99 = quantile(facts.gaps, 0.99);
  const apiP99 = quantile(facts.api.latencies, 0.99);
  const rate = facts.creations / facts.registrationSeconds;
  return [
    { goal: 'every package polled in the window', measured: `${options.repositories - facts.unpolled} of ${options.repositories}`, met: facts.unpolled === 0 },
    {
      goal: `gap between two polls of a package p99 <= ${options.intervalSeconds + GAP_SLACK_SECONDS} s`,
      measured: seconds(gapP99, 2),
      met: facts.gaps.length === 0 ? null : gapP99 <= options.intervalSeconds + GAP_SLACK_SECONDS,
    },
    {
      goal: `CPU seconds per 1,000 repository polls <= ${CPU_GOAL_PER_1000} (all processes, all threads)`,
      measured: seconds(cpuPer1000, 2),
      met: polls === 0 ? null : cpuPer1000 <= CPU_GOAL_PER_1000,
    },
    {
      goal: `GET /api/packages/:id at ${options.apiRate}/s, p99 < ${API_P99_GOAL_MS} ms`,
      measured: milliseconds(apiP99),
      met: facts.api.latencies.length === 0 ? null : apiP99 < API_P99_GOAL_MS && facts.api.failures === 0,
    },
    {
      goal: `registration at concurrency ${options.registrationConcurrency} >= ${CREATIONS_GOAL_PER_SECOND} creations/s`,
      measured: `${rate.toFixed(1)} (${facts.creations} in ${seconds(facts.registrationSeconds, 1)})`,
      met: rate >= CREATIONS_GOAL_PER_SECOND,
    },
  ];
}

/** A database of its own for one run, made through an administrative URL and dropped after. */
class ScratchDatabase {
  private constructor(
    private readonly adminUrl: string,
    private readonly name: string,
    readonly url: string,
  ) {}

  static async create(adminUrl: string): Promise<ScratchDatabase> {
    const name = `baton_bench_${randomBytes(6).toString('hex')}`;
    await ScratchDatabase.admin(adminUrl, `CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new ScratchDatabase(adminUrl, name, url.href);
  }

  drop(): Promise<void> {
    return ScratchDatabase.admin(this.adminUrl, `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }

  private static async admin(url: string, statement: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }
}
