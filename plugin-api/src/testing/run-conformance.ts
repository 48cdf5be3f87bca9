import { definePlugin, specProblems, type PluginSpec } from '../define-plugin';
import { batchCheck } from './checks/batch-check';
import { errorsClassifiedCheck, withinTimeoutCheck } from './checks/call-log-checks';
import type { ConformanceCheck } from './checks/conformance-check';
import { packageConnectionCheck, repositoryConnectionCheck } from './checks/connection-checks';
import { definitionCheck } from './checks/definition-check';
import { missingPackageCheck, unreachableRepositoryCheck } from './checks/failure-checks';
import { latestRevisionCheck, nothingNewerCheck } from './checks/revision-checks';
import { requiredPropertiesCheck, validConfigurationCheck } from './checks/validation-checks';
import { DEFAULT_TIMEOUT_MS, type ConformanceOptions, type ConformanceReport } from './conformance-options';
import { ConformanceRun } from './conformance-run';
import { defaultSettings } from './create-test-context';
import { PluginCaller } from './plugin-caller';

/** Every check, in the order it runs; the two that read the call log come last. */
export const CONFORMANCE_CHECKS: readonly ConformanceCheck[] = [
  definitionCheck,
  requiredPropertiesCheck,
  validConfigurationCheck,
  repositoryConnectionCheck,
  packageConnectionCheck,
  latestRevisionCheck,
  nothingNewerCheck,
  batchCheck,
  missingPackageCheck,
  unreachableRepositoryCheck,
  errorsClassifiedCheck,
  withinTimeoutCheck,
];

/**
 * Runs every check that applies to the plugin against the fixture configurations. Plugin
 * misbehaviour (a throw, a hang, a malformed answer, a broken definition) is recorded as a
 * failure; only unusable options throw a `TypeError`.
 *
 * @example
 * ```ts
 * import { runConformance } from '@baton/plugin-api/testing';
 * import plugin from '../src';
 *
 * const report = await runConformance({ plugin, repository: { URL: `${server.url}/list.json` }, packages: [{ NAME: 'left-pad' }] });
 * expect(report.failures).toEqual([]);
 * ```
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const checked = checkedOptions(options);
  const plugin = pluginExport(checked.plugin);
  const subject = asTheHostLoadsIt(plugin);
  const caller = new PluginCaller(subject, checked.timeoutMs, defaultSettings(plugin));
  const run = new ConformanceRun(plugin, { ...checked, plugin }, caller);
  const report: ConformanceReport = { passed: [], failures: [], log: caller.logLines };
  for (const check of applicableChecks({ ...checked, plugin })) {
    const problems = await check.run(run).catch((error: unknown) => [`the check could not finish: ${String(error)}`]);
    if (problems.length === 0) report.passed.push(check.name);
    else report.failures.push({ check: check.name, message: problems.join('\n') });
  }
  return report;
}

/**
 * The checks that apply to these options, in order.
 *
 * @example
 * ```ts
 * applicableChecks(options).map((c) => c.name); // ['definition', 'required-properties', …]
 * ```
 */
export function applicableChecks(options: ConformanceOptions): ConformanceCheck[] {
  const plugin = pluginExport(options.plugin);
  return CONFORMANCE_CHECKS.filter((check) => check.applies({ ...options, plugin }));
}

/**
 * The most time a run may take: every call it can make, each cut off at the timeout.
 *
 * @example
 * ```ts
 * const budget = runBudgetMs(options); // a test timeout that a hanging plugin cannot outlast
 * ```
 */
export function runBudgetMs(options: ConformanceOptions): number {
  const plugin = pluginExport(options.plugin);
  const calls = applicableChecks(options).reduce((sum, check) => sum + check.maxCalls({ ...options, plugin }), 0);
  return calls * (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** Accepts a whole module too (`import * as`, `require`): its default or `plugin` export is the definition. */
function pluginExport(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || 'id' in value) return value;
  const module = value as { default?: unknown; plugin?: unknown };
  return module.default ?? module.plugin ?? value;
}

/**
 * A well-formed spec that has not been through definePlugin is wrapped by it, as the host does,
 * so that it gets the generic validation; a definition is called as it was exported.
 */
function asTheHostLoadsIt(plugin: unknown): unknown {
  const handWritten = (plugin as { apiVersion?: unknown } | null)?.apiVersion === undefined;
  return handWritten && specProblems(plugin).length === 0 ? definePlugin(plugin as PluginSpec) : plugin;
}

function checkedOptions(options: ConformanceOptions): ConformanceOptions & { timeoutMs: number } {
  const isConfiguration = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isConfiguration(options?.repository)) throw new TypeError('options.repository must be a configuration object');
  if (!Array.isArray(options.packages) || options.packages.length === 0 || !options.packages.every(isConfiguration)) {
    throw new TypeError('options.packages must list at least one package configuration');
  }
  for (const key of ['missingPackage', 'unreachableRepository'] as const) {
    if (options[key] !== undefined && !isConfiguration(options[key])) throw new TypeError(`options.${key} must be a configuration object`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('options.timeoutMs must be a positive number');
  return { ...options, timeoutMs };
}
