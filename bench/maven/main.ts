import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatonApi } from '../polling/baton-api';
import { BatonProcess } from '../polling/baton-process';
import { quantile } from '../polling/prometheus';
import { goalTable, header, type GoalLine } from '../polling/report';
import { RepositoryServerProcess } from '../polling/repository-server-process';
import type { ServedRequest } from '../polling/repository-server';
import { generateRepository, type GeneratedRepository } from './generated-repository';
import { MavenApi } from './maven-api';
import { FRESH_PROCESSES, measureOrdering, ORDERED_VERSIONS, WARM_ORDERINGS, type Ordering } from './ordering';

const ORDER_GOAL_MS = 50;
const WIDE_VERSIONS = 2_000;
const COLD_REQUESTS_GOAL = 2;
const MANY_ARTIFACTS = 1_000;
const UNCHANGED_POLLS = 3;
const RATE_GOAL = 200;

const out = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`… ${line}\n`);
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** The POM and checksum sidecars are read once per new revision and counted apart from the poll's own requests. */
const isPomOrSidecar = (request: ServedRequest) => /\.pom$|\.(sha1|sha256|sha512|md5)$/.test(request.path);

interface WidePoll {
  seconds: number;
  served: ServedRequest[];
}

interface ManyPolls {
  coldSeconds: number;
  unchangedSeconds: number[];
  unchangedServed: ServedRequest[][];
}

/** `npm run bench:maven`: version ordering (first calls in fresh processes, warm ones here), then Baton polling a generated Maven repository, goal by goal. */
async function main(): Promise<void> {
  out(header('Baton Maven benchmark: one process, embedded database, the bundled maven plugin'));
  // First, while nothing else runs: the first calls, each in a fresh process, then warm ones here.
  const ordering = measureOrdering();
  progress(`ordering: first calls ${ordering.first.map((call) => ms(call.ms)).join(', ')}; warm median ${ms(quantile(ordering.warmMs, 0.5))}`);
  const repository = generateRepository(WIDE_VERSIONS, MANY_ARTIFACTS);
  out(
    `repo:      ${repository.wide.artifactId} with ${WIDE_VERSIONS} versions (highest counted: ${repository.wide.expected}); ${MANY_ARTIFACTS} artifacts of 5 versions; in ${repository.dir}`,
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-maven-run-'));
  const server = await RepositoryServerProcess.start(repository.dir);
  const token = `bench-admin-${randomBytes(16).toString('hex')}`;
  const baton = await BatonProcess.start(
    { BATON_DATA_DIR: path.join(work, 'data'), BATON_ADMIN_TOKEN: token, BATON_SHUTDOWN_DELAY_SECONDS: '0' },
    path.join(work, 'baton.log'),
  );
  progress(`Baton ${baton.pid} listens at ${baton.url}; its log: ${path.join(work, 'baton.log')}`);
  let failed = true;
  try {
    const maven = new MavenApi(new BatonApi(baton.url, token));
    const wide = await widePoll(maven, server, repository);
    const many = await manyPolls(maven, server, repository);
    out(describe(ordering, wide, many));
    out();
    out(goalTable(goals(ordering, wide, many)));
    failed = false;
  } finally {
    await baton.stop();
    server.stop();
    if (failed) progress(`kept ${work} and ${repository.dir} for a look`);
    else for (const dir of [work, repository.dir]) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function widePoll(maven: MavenApi, server: RepositoryServerProcess, repository: GeneratedRepository): Promise<WidePoll> {
  const watched = await maven.watch('bench-wide', server.url, [repository.wide]);
  await server.requests();
  const seconds = await maven.poll(watched, 'new_revision');
  const served = await server.requests();
  progress(`cold poll of ${repository.wide.artifactId}: ${served.length} requests`);
  return { seconds, served };
}

async function manyPolls(maven: MavenApi, server: RepositoryServerProcess, repository: GeneratedRepository): Promise<ManyPolls> {
  const watched = await maven.watch('bench-many', server.url, repository.many);
  const coldSeconds = await maven.poll(watched, 'new_revision');
  await server.requests();
  progress(`cold batch of ${MANY_ARTIFACTS}: ${coldSeconds.toFixed(2)} s`);
  const unchangedSeconds: number[] = [];
  const unchangedServed: ServedRequest[][] = [];
  for (let run = 0; run < UNCHANGED_POLLS; run += 1) {
    unchangedSeconds.push(await maven.poll(watched, 'no_change'));
    unchangedServed.push(await server.requests());
  }
  return { coldSeconds, unchangedSeconds, unchangedServed };
}

function describe(ordering: Ordering, wide: WidePoll, many: ManyPolls): string {
  const firstMs = ordering.first.map((call) => call.ms);
  const firstCpuMs = ordering.first.map((call) => call.cpuMs);
  const own = wide.served.filter((r) => !isPomOrSidecar(r));
  const apart = wide.served.filter(isPomOrSidecar);
  const rates = many.unchangedSeconds.map((s) => MANY_ARTIFACTS / s);
  const answers = many.unchangedServed.map((served) => `${served.filter((r) => r.status === 304).length} of ${served.length} answered 304`);
  return [
    `ordering:  ${ORDERED_VERSIONS} versions: first call ${ms(quantile(firstMs, 0.5))} median of ${FRESH_PROCESSES} fresh processes (${firstMs.map(ms).join(', ')}), ` +
      `CPU ${ms(quantile(firstCpuMs, 0.5))} median (${firstCpuMs.map(ms).join(', ')}); ` +
      `warm ${ms(quantile(ordering.warmMs, 0.5))} median of ${WARM_ORDERINGS} (${ms(Math.min(...ordering.warmMs))}–${ms(Math.max(...ordering.warmMs))})`,
    `cold:      ${wide.seconds.toFixed(3)} s through the API; ${own.map((r) => `${r.method} ${r.status} ${path.basename(r.path)}`).join(', ')}; ` +
      `apart: ${apart.map((r) => `${r.status} ${path.basename(r.path)}`).join(', ')}`,
    `batch:     ${MANY_ARTIFACTS} artifacts, cold ${many.coldSeconds.toFixed(2)} s; unchanged ${many.unchangedSeconds.map((s) => `${s.toFixed(3)} s`).join(', ')} ` +
      `(${rates.map((r) => r.toFixed(0)).join(', ')} artifacts/s); ${answers.join('; ')}`,
  ].join('\n');
}

function goals(ordering: Ordering, wide: WidePoll, many: ManyPolls): GoalLine[] {
  const firstMs = ordering.first.map((call) => call.ms);
  const first = quantile(firstMs, 0.5);
  const warm = quantile(ordering.warmMs, 0.5);
  const own = wide.served.filter((r) => !isPomOrSidecar(r));
  const apart = wide.served.length - own.length;
  const unchanged = quantile(many.unchangedSeconds, 0.5);
  const all304 = many.unchangedServed.every((served) => served.length === MANY_ARTIFACTS && served.every((r) => r.status === 304));
  return [
    {
      goal: `ordering ${ORDERED_VERSIONS} versions < ${ORDER_GOAL_MS} ms, first call (median of ${FRESH_PROCESSES} fresh processes)`,
      measured: `${ms(first)} (${ms(Math.min(...firstMs))}–${ms(Math.max(...firstMs))})`,
      met: first < ORDER_GOAL_MS,
    },
    { goal: `ordering ${ORDERED_VERSIONS} versions < ${ORDER_GOAL_MS} ms, warm (median of ${WARM_ORDERINGS})`, measured: ms(warm), met: warm < ORDER_GOAL_MS },
    {
      goal: `cold poll of ${WIDE_VERSIONS} versions: ${COLD_REQUESTS_GOAL} requests (metadata, existence)`,
      measured: `${own.length} requests (+ ${apart} POM and sidecars apart)`,
      met: own.length === COLD_REQUESTS_GOAL,
    },
    {
      goal: `batch of ${MANY_ARTIFACTS} unchanged artifacts, each 304: >= ${RATE_GOAL} artifacts/s (median of ${UNCHANGED_POLLS})`,
      measured: `${(MANY_ARTIFACTS / unchanged).toFixed(0)} artifacts/s (${unchanged.toFixed(3)} s)${all304 ? '' : '; not all answered 304'}`,
      met: all304 && MANY_ARTIFACTS / unchanged >= RATE_GOAL,
    },
  ];
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:maven failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
