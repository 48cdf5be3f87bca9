import { resolveProperty, type Configuration, type ResolvedProperty } from '../configuration';
import type { PackageRevision } from '../revision';
import { revisionResultProblems } from './answer-problems';
import type { ConformanceOptions } from './conformance-options';
import { outcomeProblem, type PluginCaller } from './plugin-caller';

/** The latest revision of one fixture package, or why there is none. */
export type LatestOutcome = { revision: PackageRevision } | { problem: string };

/**
 * What the checks of one run share: the plugin, the options, the caller (and through it every
 * call made), and each package's latest revision, asked once and reused.
 */
export class ConformanceRun {
  private readonly latest = new Map<number, Promise<LatestOutcome>>();

  constructor(
    readonly plugin: unknown,
    readonly options: Required<Pick<ConformanceOptions, 'repository' | 'packages' | 'timeoutMs'>> & ConformanceOptions,
    readonly caller: PluginCaller,
  ) {}

  /** Calls an operation and says what went wrong if it did not return. */
  async ask(operation: string, args: unknown[], about: string): Promise<{ value: unknown } | { problem: string }> {
    const outcome = await this.caller.call(operation, args, about);
    if (outcome.status === 'returned') return { value: outcome.value };
    return { problem: outcomeProblem(operation, about, outcome, this.caller.timeoutMs) ?? `${operation} failed` };
  }

  latestOf(index: number): Promise<LatestOutcome> {
    const known = this.latest.get(index);
    if (known) return known;
    const asked = this.askLatest(index);
    this.latest.set(index, asked);
    return asked;
  }

  /** The declared properties of `repository` or `package`, resolved; odd entries are left out. */
  properties(scope: 'repository' | 'package'): ResolvedProperty[] {
    const declared = (this.plugin as Record<string, { properties?: unknown } | undefined> | null)?.[scope]?.properties;
    if (!Array.isArray(declared)) return [];
    return declared.filter((p: unknown): p is ResolvedProperty => typeof (p as { key?: unknown } | null)?.key === 'string').map(resolveProperty);
  }

  private async askLatest(index: number): Promise<LatestOutcome> {
    const about = `packages[${index}]`;
    const pkg: Configuration | undefined = this.options.packages[index];
    const answer = await this.ask('latestRevision', [this.options.repository, pkg], about);
    if ('problem' in answer) return answer;
    const problems = revisionResultProblems(answer.value);
    if (problems.length > 0) return { problem: `latestRevision for ${about}: ${problems.join(', ')}` };
    const revision = (answer.value as { revision: PackageRevision | null }).revision;
    if (revision === null) return { problem: `latestRevision for ${about} answered revision: null, but the fixture package should resolve` };
    return { revision };
  }
}

/**
 * Whether a (possibly broken) plugin declares `capabilities.batch: true`.
 *
 * @example
 * ```ts
 * isBatchPlugin({ capabilities: { batch: true } }); // true
 * ```
 */
export function isBatchPlugin(plugin: unknown): boolean {
  return (plugin as { capabilities?: { batch?: unknown } } | null)?.capabilities?.batch === true;
}
