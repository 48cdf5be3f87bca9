import type { Configuration } from '../configuration';

/**
 * What the conformance kit runs against: the plugin and configurations for a fixture repository.
 *
 * @example
 * ```ts
 * const options: ConformanceOptions = {
 *   plugin,
 *   repository: { URL: 'http://127.0.0.1:41234/list.json' },
 *   packages: [{ NAME: 'left-pad' }, { NAME: 'right-pad' }],
 *   missingPackage: { NAME: 'no-such-package' },
 *   unreachableRepository: { URL: 'http://127.0.0.1:9/list.json' },
 *   timeoutMs: 5000,
 * };
 * ```
 */
export interface ConformanceOptions {
  /** The plugin module's default export, exactly as the host would load it (it may be broken). */
  plugin: unknown;
  /** A valid configuration of a reachable fixture repository. */
  repository: Configuration;
  /** Valid package configurations, each expected to resolve to a revision. At least one. */
  packages: Configuration[];
  /** A valid configuration of a package the repository does not have: expected `revision: null`. */
  missingPackage?: Configuration;
  /** A repository that cannot be reached: expected a classified failure or `ok: false`. */
  unreachableRepository?: Configuration;
  /** Longest a single call may take, in milliseconds. Default 10000. */
  timeoutMs?: number;
}

/**
 * The checks the kit runs, in order. `batch`, `missing-package` and `unreachable-repository`
 * run only when the plugin declares `capabilities.batch` or the options give those configurations.
 *
 * @example
 * ```ts
 * const check: ConformanceCheckName = 'nothing-newer-than-latest';
 * ```
 */
export type ConformanceCheckName =
  | 'definition'
  | 'required-properties'
  | 'valid-configuration'
  | 'repository-connection'
  | 'package-connection'
  | 'latest-revision'
  | 'nothing-newer-than-latest'
  | 'batch'
  | 'missing-package'
  | 'unreachable-repository'
  | 'errors-classified'
  | 'within-timeout';

/**
 * One failed check and why, one problem per line.
 *
 * @example
 * ```ts
 * const failure: ConformanceFailure = { check: 'definition', message: 'id must match /^[a-z][a-z0-9-]{0,62}$/' };
 * ```
 */
export interface ConformanceFailure {
  check: ConformanceCheckName;
  message: string;
}

/**
 * What {@link runConformance} found: the checks that passed, the ones that failed, and every
 * line the plugin logged (tagged with the operation), to read when a check fails.
 *
 * @example
 * ```ts
 * const report: ConformanceReport = await runConformance(options);
 * if (report.failures.length > 0) console.log(report.failures, report.log);
 * ```
 */
export interface ConformanceReport {
  passed: ConformanceCheckName[];
  failures: ConformanceFailure[];
  log: string[];
}

/**
 * The timeout of one call when the options give none, in milliseconds.
 *
 * @example
 * ```ts
 * await runConformance({ ...options, timeoutMs: 2 * DEFAULT_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_TIMEOUT_MS = 10_000;
