/** What one benchmark run does. */
export interface BenchOptions {
  packages: number;
  repositories: number;
  intervalSeconds: number;
  /** Length of the measured window, after every package has been polled once. */
  durationSeconds: number;
  /** Versions published during the window and found by scheduled polls. */
  publications: number;
  /** Versions published after the window, each announced by a refresh hint. */
  hints: number;
  /** Packages registered through the API at the same time. */
  registrationConcurrency: number;
  quick: boolean;
}

const DEFAULTS: BenchOptions = {
  packages: 5000,
  repositories: 50,
  intervalSeconds: 60,
  durationSeconds: 180,
  publications: 12,
  hints: 12,
  registrationConcurrency: 8,
  quick: false,
};

const QUICK: Partial<BenchOptions> = { packages: 500, repositories: 10, intervalSeconds: 30, durationSeconds: 30, publications: 4, hints: 5 };

const FLAGS: Flags<BenchOptions> = {
  '--packages': 'packages',
  '--repositories': 'repositories',
  '--interval': 'intervalSeconds',
  '--duration': 'durationSeconds',
  '--publications': 'publications',
  '--hints': 'hints',
  '--registration-concurrency': 'registrationConcurrency',
};

export const USAGE = `usage: npm run bench:polling -- [--quick] [--packages N] [--repositories N] [--interval SECONDS]
       [--duration SECONDS] [--publications N] [--hints N] [--registration-concurrency N]
${describeFlags(FLAGS, DEFAULTS, QUICK)}`;

/** Reads `--flag N` or `--flag=N`; `--quick` first sets a small run that later flags may change. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const options = parseFlags(argv, DEFAULTS, QUICK, FLAGS, USAGE);
  if (options.repositories < 1 || options.packages < options.repositories) throw new Error(`need at least one package per repository\n${USAGE}`);
  if (options.intervalSeconds < 1 || options.durationSeconds < 1) throw new Error(`--interval and --duration must be at least 1\n${USAGE}`);
  if (options.hints > options.repositories) throw new Error(`--hints may be at most --repositories (one hint per repository)\n${USAGE}`);
  return options;
}

/** A benchmark's numeric flags, each naming the option it sets; the options hold `quick`, set by `--quick`. */
export type Flags<T extends { quick: boolean }> = Record<string, keyof T>;

/** The usage's two lines on defaults: every flag's default, and what `--quick` changes. */
export function describeFlags<T extends { quick: boolean }>(flags: Flags<T>, defaults: T, quick: Partial<T>): string {
  return `defaults: ${Object.entries(flags)
    .map(([flag, key]) => `${flag} ${String(defaults[key])}`)
    .join(', ')}
--quick: ${Object.entries(flags)
    .filter(([, key]) => key in quick)
    .map(([flag, key]) => `${flag} ${String(quick[key])}`)
    .join(', ')} (other flags still apply)`;
}

/**
 * Reads `--flag N` or `--flag=N` for whole numbers of at least 0; `--quick` first sets a small run
 * that later flags may change. Throws, with the usage, on an unknown flag or a bad number.
 */
export function parseFlags<T extends { quick: boolean }>(argv: readonly string[], defaults: T, quick: Partial<T>, flags: Flags<T>, usage: string): T {
  const options: T = { ...defaults, ...(argv.includes('--quick') ? { ...quick, quick: true } : {}) };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    if (flag === '--quick') continue;
    const key = flags[flag];
    if (!key) throw new Error(`unknown option ${argv[i]}\n${usage}`);
    const text = inline ?? argv[(i += 1)];
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs a whole number, not ${text}\n${usage}`);
    (options[key] as number) = value;
  }
  return options;
}

/** The options, or null when only the usage was asked for (it is printed); bad options end the process. */
export function readOptions<T>(argv: readonly string[], parse: (argv: readonly string[]) => T, usage: string): T | null {
  if (argv.includes('--help')) {
    process.stdout.write(`${usage}\n`);
    return null;
  }
  try {
    return parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}
