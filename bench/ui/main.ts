import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeRepository } from '../pipelines/fake-repository';
import { BatonRuns } from '../npm/baton-runs';
import type { BatonApi } from '../polling/baton-api';
import { jsonFilePluginsDir } from '../polling/baton-process';
import { readOptions } from '../polling/options';
import { quantile } from '../polling/prometheus';
import { goalTable, header, milliseconds as ms, out, progress, type GoalLine } from '../polling/report';
import { CHROMIUM, timeDashboardLoads, type DashboardLoad } from './dashboard-loads';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { seedPipelines } from './seeded-pipelines';

const GOAL_MS = 1000;

interface DashboardAnswer {
  pipelines: { runs: unknown[] }[];
}

/** What one run measured. */
interface Measured {
  pipelines: number;
  runRows: number;
  answerBytes: number;
  /** GET /api/dashboard from Node, as the page asks it: the server's share. */
  apiMs: number[];
  loads: DashboardLoad[];
}

const median = (values: readonly number[]) => quantile(values, 0.5);
const list = (values: readonly number[]) => values.map(ms).join(', ');

/** `npm run bench:ui`: the dashboard of many pipelines with their runs, loaded in Chromium, goal by goal. */
async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), parseOptions, USAGE);
  if (options === null) return;
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package`);
  out(header('Baton web UI benchmark: the dashboard in headless Chromium, embedded database, one process'));
  out(
    `data:    ${options.pipelines} pipelines${options.quick ? ' (quick)' : ''} in groups of 20, ${options.runs} runs each triggered through the API ` +
      `(one stage, one job running \`true\`), on one package of a json-file repository; ` +
      (options.agentJobs > 0 ? `every job run by the built-in agent (${options.agentJobs} at once)` : 'no agent: every run stays scheduled'),
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-ui-'));
  const repository = await FakeRepository.start(['app'], '1.0.0');
  let failed = true;
  try {
    const agent: Record<string, string> = options.agentJobs > 0 ? { BATON_AGENT_CONCURRENCY: String(options.agentJobs) } : { BATON_LOCAL_AGENT: 'false' };
    const env = { BATON_PLUGINS_DIR: jsonFilePluginsDir(work), BATON_PLUGIN_MEMORY_SAMPLE_MS: '250', ...agent };
    const measured = await new BatonRuns(work, progress).with(env, async (api, baton) => {
      await seedPipelines(api, repository.url, options);
      return measure(api, baton.url, options);
    });
    out(describe(measured));
    out();
    out(goalTable(goals(measured)));
    failed = false;
  } finally {
    await repository.close();
    if (failed) progress(`kept ${work} for a look`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The API's answer timed from Node, then the page loaded in Chromium, as many times each. */
async function measure(api: BatonApi, url: string, options: BenchOptions): Promise<Measured> {
  // The page is signed in as people look at it: with a viewer's token.
  const { token } = await api.json<{ token: string }>('POST', '/api/tokens', { name: 'dashboard-viewer', role: 'viewer' }, 201);
  const apiMs: number[] = [];
  let answer: DashboardAnswer = { pipelines: [] };
  let answerBytes = 0;
  for (let round = 0; round < options.rounds; round += 1) {
    const startedAt = performance.now();
    const response = await fetch(`${url}/api/dashboard`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    apiMs.push(performance.now() - startedAt);
    answer = JSON.parse(text) as DashboardAnswer;
    answerBytes = Buffer.byteLength(text);
  }
  progress(`GET /api/dashboard: ${list(apiMs)}`);
  const expected = { pipelines: answer.pipelines.length, runRows: answer.pipelines.reduce((sum, p) => sum + p.runs.length, 0) };
  const loads = await timeDashboardLoads(url, token, expected, options.rounds);
  progress(`rendered: ${list(loads.map((l) => l.renderedMs))}`);
  return { ...expected, answerBytes, apiMs, loads };
}

function describe(m: Measured): string {
  return [
    `page:    ${m.pipelines} pipelines with ${m.runRows} run rows in all (the dashboard's latest runs of each); one GET /api/dashboard of ${(m.answerBytes / 1e6).toFixed(2)} MB`,
    `api:     GET /api/dashboard from Node: ${list(m.apiMs)}`,
    `request: in the page, sent at ${list(m.loads.map((l) => l.requestStartMs))}; answered by ${list(m.loads.map((l) => l.responseEndMs))} (since navigation)`,
    `render:  from the answer to every run row in the page: ${list(m.loads.map((l) => l.renderedMs - l.responseEndMs))}`,
    `loads:   from navigation to every run row in the page: ${list(m.loads.map((l) => l.renderedMs))}`,
  ].join('\n');
}

function goals(m: Measured): GoalLine[] {
  const rendered = median(m.loads.map((l) => l.renderedMs));
  return [
    {
      goal: `navigation to the dashboard showing ${m.pipelines} pipelines and their runs <= ${ms(GOAL_MS)} (median)`,
      measured: `${ms(rendered)}, median of ${m.loads.length}`,
      met: rendered <= GOAL_MS,
    },
  ];
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ui failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
