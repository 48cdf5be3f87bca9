import type { PackageRevision } from '../revision';

/**
 * What a call threw, or an Error saying it did not throw: for asserting on a plugin's failure.
 *
 * @example
 * ```ts
 * const error = await thrown(plugin.latestRevision(repo, pkg, ctx));
 * expect(error).toBeInstanceOf(PermanentError);
 * ```
 */
export async function thrown(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('the call did not throw'),
    (error: unknown) => error,
  );
}

/**
 * A copy of a revision as the host stores it and hands it back in `previous` (through JSON, the
 * timestamp a `Date` again), with `changes` applied; throws for no revision.
 *
 * @example
 * ```ts
 * const { revision } = await plugin.latestRevision(repo, pkg, ctx);
 * await plugin.latestRevisionSince(repo, pkg, storedRevision(revision), ctx);
 * ```
 */
export function storedRevision(revision: PackageRevision | null, changes: Partial<PackageRevision> = {}): PackageRevision {
  if (revision === null) throw new Error('expected a revision, got none');
  return JSON.parse(JSON.stringify({ ...revision, ...changes }), (key, value: unknown) =>
    key === 'timestamp' ? new Date(value as string) : value,
  ) as PackageRevision;
}
