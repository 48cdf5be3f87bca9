/** What one benchmark run does. */
export interface BenchOptions {
  /** Packages in the generated repository. */
  packages: number;
  /** Polls of the unchanged repository, after the cold one. */
  unchangedPolls: number;
  /** Runs of zcat, for the floor. */
  zcatRuns: number;
  /** Requests per second on GET /api/plugins during the cold poll. */
  apiRate: number;
  /** Start Baton with --cpu-prof, writing a profile per thread into the run's folder (kept). */
  profile: boolean;
  quick: boolean;
}

const DEFAULTS: BenchOptions = { packages: 70_000, unchangedPolls: 5, zcatRuns: 3, apiRate: 40, profile: false, quick: false };
const QUICK: Partial<BenchOptions> = { packages: 7_000, unchangedPolls: 3 };

export const USAGE = `usage: npm run bench:yum -- [--quick] [--packages N] [--profile]
defaults: --packages ${DEFAULTS.packages}; ${DEFAULTS.unchangedPolls} unchanged polls, zcat run ${DEFAULTS.zcatRuns} times, ${DEFAULTS.apiRate} API requests per second
--quick: --packages ${QUICK.packages}, ${QUICK.unchangedPolls} unchanged polls (a later --packages still applies)
--profile: start Baton with --cpu-prof; the profiles (one per thread) stay in the run's folder`;

/** Reads `--packages N` or `--packages=N`, `--quick` and `--profile`. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS, ...(argv.includes('--quick') ? { ...QUICK, quick: true } : {}) };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    if (flag === '--quick') continue;
    if (flag === '--profile') {
      options.profile = true;
      continue;
    }
    if (flag !== '--packages') throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    const text = inline ?? argv[(i += 1)];
    const value = Number(text);
    if (!Number.isInteger(value) || value < 100) throw new Error(`--packages needs a whole number of at least 100, not ${text}\n${USAGE}`);
    options.packages = value;
  }
  return options;
}
