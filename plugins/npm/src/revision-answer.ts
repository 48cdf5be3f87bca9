import type { KeyValueStore, PackageRevision, RevisionResult } from '@baton/plugin-api';
import type { PackageQuery } from './config';
import { toRevision } from './package-revision';
import type { PackumentRead } from './packument-source';
import { TagHistory } from './tag-history';
import { chosenVersion, isNewer, type Choice } from './version';

/** At most this many skipped version keys are named in a warning. */
const NAMED_SKIPPED = 5;

function skippedWarning(read: Extract<PackumentRead, { status: 'found' }>, name: string): string[] {
  const { skipped } = read.packument;
  if (skipped.length === 0) return [];
  const named = skipped.slice(0, NAMED_SKIPPED).map((key) => `'${key}'`);
  const more = skipped.length > NAMED_SKIPPED ? ` and ${skipped.length - NAMED_SKIPPED} more` : '';
  return [`${skipped.length} version(s) of ${name} skipped, not semver versions with a manifest: ${named.join(', ')}${more}`];
}

/** The answer about a dist-tag-following package, once it is known that the tag points somewhere new. */
async function movedTag(query: PackageQuery, choice: Choice, previous: PackageRevision, store: KeyValueStore): Promise<Choice> {
  const history = await TagHistory.load(store, query);
  const version = choice.record?.version;
  if (version === undefined) return choice;
  if (history.has(version)) {
    await history.save([previous.revision]);
    const warning =
      `dist-tag '${query.distTag}' of ${query.name} moved from ${previous.revision} back to ${version}, a version already recorded: ` +
      'not a new revision; trigger the pipeline by hand to promote it again';
    return { record: null, warnings: [...choice.warnings, warning] };
  }
  await history.save([previous.revision, version]);
  return choice;
}

async function since(query: PackageQuery, choice: Choice, previous: PackageRevision, store: KeyValueStore): Promise<Choice> {
  const version = choice.record?.version;
  if (version === undefined || version === previous.revision) return { record: null, warnings: choice.warnings };
  if (query.distTag !== null) return movedTag(query, choice, previous, store);
  return isNewer(version, previous.revision) ? choice : { record: null, warnings: choice.warnings };
}

/**
 * The answer to "what is the latest revision" (`previous` null) or "what is newer than previous":
 * without a dist-tag, a higher version in range; with one, the tag's version when the tag moved
 * (forwards or backwards) to a version not recorded before — moving back to a recorded one is a
 * warning instead. A package the registry does not have is no revision, with a warning. A newly
 * read packument is in the store before the answer is given (its `saved`).
 *
 * @example
 * ```ts
 * const { revision, warnings } = await revisionAnswer(query, read, null, ctx.store);
 * ```
 */
export async function revisionAnswer(
  query: PackageQuery,
  read: PackumentRead,
  previous: PackageRevision | null,
  store: KeyValueStore,
): Promise<RevisionResult> {
  if (read.status === 'missing') return { revision: null, warnings: [`no such package '${query.name}' in this registry (${read.url} answered 404)`] };
  const chosen = chosenVersion(read.packument, query);
  if (previous === null && chosen.record !== null && query.distTag !== null) await (await TagHistory.load(store, query)).save([chosen.record.version]);
  const choice = previous === null ? chosen : await since(query, chosen, previous, store);
  const warnings = [...skippedWarning(read, query.name), ...choice.warnings];
  const revision = choice.record && toRevision(choice.record, read.packument, read.firstRead, query.includeDeprecated);
  await read.saved;
  return { revision, ...(warnings.length > 0 && { warnings }) };
}
