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
import { pingRegistry } from './client';
import { packageQuery, type PackageQuery } from './config';
import { readPackument, type PackumentRead } from './packument-source';
import { registryResolver, type RegistryResolver } from './registry-access';
import { revisionAnswer } from './revision-answer';

/** Packuments read at once in a batch: enough to hide the registry's latency, few enough to be polite. */
const CONCURRENT_READS = 16;

async function readFor(resolver: RegistryResolver, name: string, ctx: PluginContext): Promise<PackumentRead> {
  return readPackument(await resolver.accessFor(name), name, ctx);
}

async function answer(repository: Configuration, pkg: Configuration, previous: PackageRevision | null, ctx: PluginContext): Promise<RevisionResult> {
  const query = packageQuery(pkg);
  const read = await readFor(registryResolver(repository), query.name, ctx);
  return revisionAnswer(query, read, previous, ctx.store);
}

const failureMessage = (error: unknown): string[] => {
  if (error instanceof PluginError) return [error.message];
  throw error;
};

/** Connection check of a repository: the registry answers `/-/ping`, or a package lookup. */
export async function checkRepository(repository: Configuration, ctx: PluginContext): Promise<CheckResult> {
  try {
    const access = await registryResolver(repository).accessFor('');
    const { ok, message } = await pingRegistry(access, ctx);
    const origin = access.source === 'npm configuration' ? ' (the registry of npm’s configuration)' : '';
    return { ok, messages: [`${message}${origin}`] };
  } catch (error) {
    return { ok: false, messages: failureMessage(error) };
  }
}

/** Connection check of a package: "Found package 'name@version'.", or why not. */
export async function checkPackage(repository: Configuration, pkg: Configuration, ctx: PluginContext): Promise<PackageCheckResult> {
  const query = packageQuery(pkg);
  try {
    const { revision, warnings = [] } = await answer(repository, pkg, null, ctx);
    if (revision !== null) return { ok: true, messages: [`Found package '${query.name}@${revision.revision}'.`, ...warnings], revision };
    const wanted = query.distTag === null ? `in the range ${query.range}` : `for dist-tag '${query.distTag}'`;
    return { ok: false, messages: [...warnings, `No version of '${query.name}' ${wanted} can be reported.`], revision: null };
  } catch (error) {
    return { ok: false, messages: failureMessage(error), revision: null };
  }
}

export const latestRevision = (repository: Configuration, pkg: Configuration, ctx: PluginContext): Promise<RevisionResult> =>
  answer(repository, pkg, null, ctx);

export const latestRevisionSince = (repository: Configuration, pkg: Configuration, previous: PackageRevision, ctx: PluginContext): Promise<RevisionResult> =>
  answer(repository, pkg, previous, ctx);

/** Runs `work` over `inputs`, at most `limit` at a time, keeping each outcome (a failure included) in order. */
async function settledPool<T, R>(inputs: T[], limit: number, work: (input: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < inputs.length; i = next++) {
      results[i] = await work(inputs[i]).then(
        (value): PromiseFulfilledResult<R> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, lane));
  return results;
}

async function itemAnswer(item: BatchItem, query: PackageQuery, read: PromiseSettledResult<PackumentRead>, ctx: PluginContext): Promise<BatchAnswer> {
  if (read.status === 'rejected') {
    if (read.reason instanceof PluginError) return { key: item.key, error: read.reason };
    throw read.reason;
  }
  try {
    return { key: item.key, result: await revisionAnswer(query, read.value, item.previous, ctx.store) };
  } catch (error) {
    // The store's refusal of the name's packument (or of the tag's history) stays with the package too.
    if (error instanceof PluginError) return { key: item.key, error };
    throw error;
  }
}

/** Every package of a repository from one packument download per package name; a name's failure stays with its packages. */
export async function latestRevisionsSince(repository: Configuration, items: BatchItem[], ctx: PluginContext): Promise<BatchAnswer[]> {
  const resolver = registryResolver(repository);
  const queries = items.map((item) => packageQuery(item.package));
  const names = [...new Set(queries.map((query) => query.name))];
  const reads = await settledPool(names, CONCURRENT_READS, (name) => readFor(resolver, name, ctx));
  const byName = new Map(names.map((name, i) => [name, reads[i]]));
  const answers: BatchAnswer[] = [];
  for (const [i, item] of items.entries()) {
    answers.push(await itemAnswer(item, queries[i], byName.get(queries[i].name) as PromiseSettledResult<PackumentRead>, ctx));
  }
  return answers;
}
