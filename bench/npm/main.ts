import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quantile } from '../polling/prometheus';
import { goalTable, header, type GoalLine, out, progress, megabytes as mb, milliseconds as ms } from '../polling/report';
import { RepositoryServerProcess } from '../polling/repository-server-process';
import { BatonRuns, MEMORY_SAMPLE_MS } from './baton-runs';
import { batchRound, BATCH_POLLS, type BatchRound } from './batch-round';
import type { DownloadAndParse } from './download-and-parse';
import { downloadAndParse } from './download-and-parse-floor';
import { generatedRegistry, LARGE_PACKAGE, type GeneratedRegistry } from './generated-registry';
import { largePackumentRound, type LargeRound, type RegistryServers } from './large-packument-round';
import { readOptions } from '../polling/options';
import { parseOptions, USAGE, type BenchOptions } from './options';

const COLD_FACTOR_GOAL = 1.5;
const MEMORY_FACTOR_GOAL = 1.5;
const ETAG_GOAL_MS = 20;
const NO_VALIDATORS_MARGIN_MS = 10;
const BATCH_RATE_GOAL = 200;

const median = (values: readonly number[]) => quantile(values, 0.5);
const list = <T>(values: readonly T[], unit: (v: T) => string) => values.map(unit).join(', ');

/** What one run measured. */
interface Measured {
  floors: DownloadAndParse[];
  rounds: LargeRound[];
  batch: BatchRound;
}

/** `npm run bench:npm`: Baton polls a large packument and a repository of many small ones from loopback registries, goal by goal. */
async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), parseOptions, USAGE);
  if (options === null) return;
  out(header('Baton npm benchmark: one process per round, embedded database, the bundled npm plugin'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-npm-'));
  const registry = generatedRegistry(path.join(work, 'registry'), options.versions, options.batchPackages);
  out(describeRegistry(registry, options));
  const started: RepositoryServerProcess[] = [];
  let failed = true;
  try {
    const type = { defaultType: 'application/json' };
    const servers: RegistryServers = {
      etag: await RepositoryServerProcess.start(registry.dir, type).then((s) => (started.push(s), s)),
      plain: await RepositoryServerProcess.start(registry.dir, { ...type, validators: false }).then((s) => (started.push(s), s)),
    };
    const measured = await measure(options, registry, servers, new BatonRuns(work, progress));
    out(describe(measured));
    out();
    out(goalTable(goals(measured)));
    failed = false;
  } finally {
    for (const server of started) server.stop();
    if (failed) progress(`kept ${work} for a look`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The floors, then each round of the large packument on a fresh Baton with one worker, then the batch on a Baton with default settings. */
async function measure(options: BenchOptions, registry: GeneratedRegistry, servers: RegistryServers, batons: BatonRuns): Promise<Measured> {
  const floors: DownloadAndParse[] = [];
  for (let run = 0; run < options.rounds; run += 1) floors.push(await downloadAndParse(`${servers.etag.url}${LARGE_PACKAGE}`));
  progress(`download + JSON.parse: ${list(floors, (f) => ms(f.downloadMs + f.parseMs))}`);
  const rounds: LargeRound[] = [];
  for (let run = 0; run < options.rounds; run += 1) {
    rounds.push(await batons.with({ BATON_PLUGIN_WORKERS: '1' }, (api) => largePackumentRound(api, servers, registry)));
    progress(`round ${run + 1}: first poll ${ms(rounds[run].coldApiSeconds * 1000)}`);
  }
  const batch = await batons.with({}, (api) => batchRound(api, servers.etag, registry));
  progress(`batch: ${list(batch.apiSeconds, (s) => ms(s * 1000))}`);
  return { floors, rounds, batch };
}

function describeRegistry(registry: GeneratedRegistry, options: BenchOptions): string {
  return [
    `packument: ${registry.largeVersions} versions${options.quick ? ' (quick)' : ''} (${registry.prereleases} pre-releases, ${registry.deprecated} deprecated), ` +
      `${mb(registry.largeBytes)}, latest ${registry.largeLatest}; in ${registry.dir}`,
    `batch:     ${registry.batchNames.length} packages of one repository, a small packument each`,
  ].join('\n');
}

const floorMs = (f: DownloadAndParse) => f.downloadMs + f.parseMs;
const all = <T>(rounds: LargeRound[], pick: (r: LargeRound) => T[]) => rounds.flatMap(pick);

function describe(m: Measured): string {
  const { rounds, batch } = m;
  return [
    `floor:     download ${list(m.floors, (f) => ms(f.downloadMs))}; JSON.parse ${list(m.floors, (f) => ms(f.parseMs))}; ` +
      `JSON.parse adds ${list(m.floors, (f) => mb(f.parseAddsBytes))} (heap used + external just after it), ` +
      `${list(m.floors, (f) => mb(f.parsedHoldsBytes))} after a GC (a fresh Node process each, over HTTP)`,
    `first:     ${list(rounds, (r) => ms(r.coldApiSeconds * 1000))} through the API; the server timed ${list(rounds, (r) => ms(r.coldServerSeconds * 1000))}; ` +
      `${list(rounds, (r) => String(r.coldRequests))} registry requests`,
    `memory:    worker idle ${list(rounds, (r) => mb(r.idleBytes))}, peak ${list(rounds, (r) => mb(r.peakBytes))} ` +
      `(one worker, heap used + external, sampled every ${MEMORY_SAMPLE_MS} ms)`,
    `etag:      ${list(
      all(rounds, (r) => r.withEtag.apiSeconds),
      (s) => ms(s * 1000),
    )} through the API; the server timed ` +
      `${list(
        all(rounds, (r) => r.withEtag.serverSeconds),
        (s) => ms(s * 1000),
      )}; registry requests ${list(
        all(rounds, (r) => r.withEtag.requests),
        String,
      )}`,
    `no valid.: ${list(
      all(rounds, (r) => r.withoutValidators.apiSeconds),
      (s) => ms(s * 1000),
    )} through the API; the server timed ` +
      `${list(
        all(rounds, (r) => r.withoutValidators.serverSeconds),
        (s) => ms(s * 1000),
      )}; registry requests ${list(
        all(rounds, (r) => r.withoutValidators.requests),
        String,
      )}`,
    `batch:     ${batch.packages} packages, ${list(batch.apiSeconds, (s) => ms(s * 1000))} through the API; the server timed ` +
      `${list(batch.serverSeconds, (s) => ms(s * 1000))}; ${list(batch.notModified, String)} answered 304 of ${list(batch.requests, String)} requests`,
  ].join('\n');
}

function goals(m: Measured): GoalLine[] {
  const floor = median(m.floors.map(floorMs));
  const download = median(m.floors.map((f) => f.downloadMs));
  const parseAdds = median(m.floors.map((f) => f.parseAddsBytes));
  const coldApi = median(m.rounds.map((r) => r.coldApiSeconds * 1000));
  const coldServer = median(m.rounds.map((r) => r.coldServerSeconds * 1000));
  const added = median(m.rounds.map((r) => r.peakBytes - r.idleBytes));
  const etag = median(all(m.rounds, (r) => r.withEtag.apiSeconds).map((s) => s * 1000));
  const etagRequests = all(m.rounds, (r) => r.withEtag.requests);
  const plain = median(all(m.rounds, (r) => r.withoutValidators.apiSeconds).map((s) => s * 1000));
  const rate = median(m.batch.apiSeconds.map((s) => m.batch.packages / s));
  const n = m.rounds.length;
  return [
    {
      goal: `first poll (API) <= ${COLD_FACTOR_GOAL} x download + JSON.parse (median of ${m.floors.length}: ${ms(floor)})`,
      measured: `${ms(coldApi)} (${(coldApi / floor).toFixed(2)} x), median of ${n}`,
      met: coldApi <= COLD_FACTOR_GOAL * floor,
    },
    {
      goal: `first poll (server's timing) <= ${COLD_FACTOR_GOAL} x the same`,
      measured: `${ms(coldServer)} (${(coldServer / floor).toFixed(2)} x), median of ${n}`,
      met: coldServer <= COLD_FACTOR_GOAL * floor,
    },
    {
      goal: `worker peak - idle <= ${MEMORY_FACTOR_GOAL} x what JSON.parse adds (median: ${mb(parseAdds)})`,
      measured: `${mb(added)} (${(added / parseAdds).toFixed(2)} x), median of ${n}`,
      met: added <= MEMORY_FACTOR_GOAL * parseAdds,
    },
    {
      goal: `unchanged poll with ETag: 1 request, < ${ETAG_GOAL_MS} ms`,
      measured:
        `${ms(etag)}, median of ${etagRequests.length} (the first of each round: ${list(m.rounds, (r) => ms(r.withEtag.apiSeconds[0] * 1000))}); ` +
        `${Math.max(...etagRequests)} request(s) at most`,
      met: etag < ETAG_GOAL_MS && etagRequests.every((count) => count === 1),
    },
    {
      goal: `unchanged poll without validators <= download + ${NO_VALIDATORS_MARGIN_MS} ms (${ms(download + NO_VALIDATORS_MARGIN_MS)})`,
      measured: `${ms(plain)}, median of ${all(m.rounds, (r) => r.withoutValidators.apiSeconds).length}`,
      met: plain <= download + NO_VALIDATORS_MARGIN_MS,
    },
    {
      goal: `one batch call of ${m.batch.packages} unchanged packages, each 304: >= ${BATCH_RATE_GOAL} packages/s`,
      measured: `${rate.toFixed(0)} packages/s, median of ${BATCH_POLLS}`,
      met: rate >= BATCH_RATE_GOAL && m.batch.notModified.every((count) => count === m.batch.packages),
    },
  ];
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:npm failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
