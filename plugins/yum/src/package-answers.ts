import {
  PluginError,
  type BatchAnswer,
  type BatchItem,
  type CheckResult,
  type Configuration,
  type PackageCheckResult,
  type PackageRevision,
  type PluginContext,
  type RevisionResult,
} from '@baton/plugin-api';
import { closestNames, latestResult, newerResult } from './package-revision';
import { specOutcomes } from './primary-outcomes';
import { readRepomd } from './repository-metadata';
import type { SpecOutcome } from './spec-resolver';

const specOf = (pkg: Configuration): string => (pkg['PACKAGE_SPEC'] ?? '').trim();

const NOTHING: SpecOutcome = { kind: 'none', skipped: [], nearby: null };

async function outcomeOf(repository: Configuration, spec: string, ctx: PluginContext): Promise<SpecOutcome> {
  const { outcomes } = await specOutcomes(repository, [spec], ctx);
  return outcomes.get(spec) ?? NOTHING;
}

/** Connection check of a repository: repomd.xml readable, parsable and, with GPG_KEY, verified. */
export async function checkRepository(repository: Configuration, ctx: PluginContext): Promise<CheckResult> {
  try {
    const repomd = await readRepomd(repository, ctx);
    const revision = repomd.revision ? ` (revision ${repomd.revision})` : '';
    return { ok: true, messages: [`Successfully accessed repository metadata at ${repomd.url}${revision}`] };
  } catch (error) {
    if (error instanceof PluginError) return { ok: false, messages: [error.message] };
    throw error;
  }
}

/** Connection check of a package: its spec resolves to exactly one package; when none, the closest names. */
export async function checkPackage(repository: Configuration, pkg: Configuration, ctx: PluginContext): Promise<PackageCheckResult> {
  const spec = specOf(pkg);
  try {
    const { outcomes, baseUrl } = await specOutcomes(repository, [spec], ctx);
    const outcome = outcomes.get(spec) ?? NOTHING;
    const { revision, warnings = [] } = latestResult(spec, outcome);
    if (revision === null) {
      const nearby = outcome.kind === 'none' && outcome.nearby ? `; ${closestNames(outcome.nearby)}` : '';
      return { ok: false, messages: [`No package in ${baseUrl} matches the spec '${spec}'${nearby}.`], revision: null };
    }
    return { ok: true, messages: [`Found package '${revision.revision}'.`, ...warnings], revision };
  } catch (error) {
    if (error instanceof PluginError) return { ok: false, messages: [error.message], revision: null };
    throw error;
  }
}

export async function latestRevision(repository: Configuration, pkg: Configuration, ctx: PluginContext): Promise<RevisionResult> {
  const spec = specOf(pkg);
  return latestResult(spec, await outcomeOf(repository, spec, ctx));
}

export async function latestRevisionSince(
  repository: Configuration,
  pkg: Configuration,
  previous: PackageRevision,
  ctx: PluginContext,
): Promise<RevisionResult> {
  const spec = specOf(pkg);
  return newerResult(spec, await outcomeOf(repository, spec, ctx), previous);
}

/** Every package of a repository from one read of its metadata; a spec's own failure stays with its item. */
export async function latestRevisionsSince(repository: Configuration, items: BatchItem[], ctx: PluginContext): Promise<BatchAnswer[]> {
  const specs = [...new Set(items.map((item) => specOf(item.package)))];
  const { outcomes } = await specOutcomes(repository, specs, ctx);
  return items.map((item): BatchAnswer => {
    const spec = specOf(item.package);
    const outcome = outcomes.get(spec) ?? NOTHING;
    try {
      const result = item.previous === null ? latestResult(spec, outcome) : newerResult(spec, outcome, item.previous);
      return { key: item.key, result };
    } catch (error) {
      if (error instanceof PluginError) return { key: item.key, error };
      throw error;
    }
  });
}
