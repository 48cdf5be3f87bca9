/** What one benchmark run does. */
export interface BenchOptions {
  /** Versions in the large packument. */
  versions: number;
  /** Packages of the batch's repository, one small packument each. */
  batchPackages: number;
  /** Rounds of the large packument, each on a fresh Baton; medians are over them. */
  rounds: number;
  quick: boolean;
}

const DEFAULTS: BenchOptions = { versions: 3_000, batchPackages: 1_000, rounds: 3, quick: false };
const QUICK: Partial<BenchOptions> = { versions: 600, batchPackages: 200 };

export const USAGE = `usage: npm run bench:npm -- [--quick]
defaults: a packument of ${DEFAULTS.versions} versions, a batch of ${DEFAULTS.batchPackages} packages, ${DEFAULTS.rounds} rounds (medians of ${DEFAULTS.rounds})
--quick: ${QUICK.versions} versions, ${QUICK.batchPackages} packages, still ${DEFAULTS.rounds} rounds (a check that the benchmark runs; its numbers are not the goals')`;

/** Reads `--quick`; anything else is refused. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const unknown = argv.find((flag) => flag !== '--quick');
  if (unknown !== undefined) throw new Error(`unknown option ${unknown}\n${USAGE}`);
  return { ...DEFAULTS, ...(argv.includes('--quick') ? { ...QUICK, quick: true } : {}) };
}
