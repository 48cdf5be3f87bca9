import { describeFlags, parseFlags, type Flags } from '../polling/options';

/** What one benchmark run does. */
export interface BenchOptions {
  pipelines: number;
  /** Runs of each pipeline, every one finished before the page is timed. */
  runs: number;
  /** Timed loads of the dashboard; the goal is on their median. */
  rounds: number;
  /** Jobs the built-in agent runs at once while seeding; 0: none, the runs stay scheduled. */
  agentJobs: number;
  quick: boolean;
}

const DEFAULTS: BenchOptions = { pipelines: 200, runs: 20, rounds: 5, agentJobs: 4, quick: false };
const QUICK: Partial<BenchOptions> = { pipelines: 20, runs: 3, rounds: 3 };
const FLAGS: Flags<BenchOptions> = { '--pipelines': 'pipelines', '--runs': 'runs', '--rounds': 'rounds', '--agent-jobs': 'agentJobs' };

export const USAGE = `usage: npm run bench:ui -- [--quick] [--pipelines N] [--runs N] [--rounds N] [--agent-jobs N]
${describeFlags(FLAGS, DEFAULTS, QUICK)}`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const options = parseFlags(argv, DEFAULTS, QUICK, FLAGS, USAGE);
  for (const key of ['pipelines', 'runs', 'rounds'] as const) {
    if (options[key] < 1) throw new Error(`--${key} must be at least 1\n${USAGE}`);
  }
  // Seeding checks every run through GET /api/dashboard, which answers at most 20 a pipeline.
  if (options.runs > 20) throw new Error(`--runs must be at most 20\n${USAGE}`);
  return options;
}
