import { describeFlags, parseFlags, type Flags } from '../polling/options';

/** What one benchmark run does. */
export interface BenchOptions {
  /** Packages, each with a pipeline of its own. */
  packages: number;
  quick: boolean;
}

const DEFAULTS: BenchOptions = { packages: 50, quick: false };
const QUICK: Partial<BenchOptions> = { packages: 10 };
const FLAGS: Flags<BenchOptions> = { '--packages': 'packages' };

export const USAGE = `usage: npm run bench:pipelines -- [--quick] [--packages N]
${describeFlags(FLAGS, DEFAULTS, QUICK)}`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const options = parseFlags(argv, DEFAULTS, QUICK, FLAGS, USAGE);
  if (options.packages < 1) throw new Error(`--packages must be at least 1\n${USAGE}`);
  return options;
}
