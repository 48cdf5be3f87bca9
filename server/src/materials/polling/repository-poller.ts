import type { Logger } from 'pino';
import type { WireError } from '@baton/plugin-api';
import { databaseRefusal } from '../../db/database-refusal';
import { PluginCallError } from '../../plugins/plugin-call-error';
import type { PluginHost } from '../../plugins/plugin-host';
import type { StoreSnapshot } from '../../plugins/plugin-state-store';
import type { ConfigurationCodec } from '../configuration-codec';
import { maskSecrets, secureValues } from '../secret-mask';
import type { ClaimedRepository, PackagePollResult } from './poll-model';
import type { RecordedPoll, PollRecorder, RepositoryFacts } from './poll-recorder';
import type { PackageWork, PollWorkQueries } from './poll-work-queries';

export type PollPlugins = Pick<PluginHost, 'plugin' | 'latestRevision' | 'latestRevisionSince' | 'latestRevisionsSince' | 'stores'>;

/** What a poll starts from: its packages, and its repository's store when it was read with them. */
interface PollWork {
  packages: PackageWork[];
  store: StoreSnapshot | undefined;
}

/** What one repository poll did, for the scheduler's bookkeeping. */
export interface RepositoryPollReport extends RecordedPoll {
  pluginId: string;
  packageIds: string[];
}

/**
 * Polls one claimed repository: asks its plugin about every due package — in one call when the
 * plugin answers batches, from one metadata download — and records the answers. No transaction
 * is open while the plugin works.
 */
export class RepositoryPoller {
  /** Work read ahead for claimed repositories, by claim: read once for all of a claim's repositories. */
  private readonly readAhead = new WeakMap<ClaimedRepository, Promise<PollWork | null>>();

  constructor(
    private readonly work: PollWorkQueries,
    private readonly plugins: PollPlugins,
    private readonly codec: ConfigurationCodec,
    private readonly recorder: PollRecorder,
    private readonly logger: Logger,
  ) {}

  /**
   * `abandoned` aborting (a shutdown) before the plugin has answered means: record nothing. With
   * `owner`, the lease is given back with the record when the poll is written whole (`released`).
   * `answered` is called once the plugin has answered, before the answer is written.
   */
  async poll(claim: ClaimedRepository, abandoned?: AbortSignal, owner: string | null = null, answered?: () => void): Promise<RepositoryPollReport> {
    const empty: RepositoryPollReport = { pluginId: claim.pluginId, packageIds: [], outcomes: new Map(), eventIds: [] };
    // The claim read the repository: no read of its own per poll.
    const { packages, store } = (await this.readAhead.get(claim)) ?? { packages: await this.work.packagesOf(claim), store: undefined };
    this.readAhead.delete(claim);
    if (packages.length === 0) return empty;
    const results = await this.ask(claim.repositoryId, claim.pluginId, claim.configuration, packages, store);
    answered?.();
    if (abandoned?.aborted) return empty;
    const recorded = await this.recordSafely(claim, { id: claim.repositoryId, name: claim.name, pluginId: claim.pluginId }, packages, results, owner);
    return { ...recorded, pluginId: claim.pluginId, packageIds: packages.map((p) => p.packageId) };
  }

  /**
   * Reads the packages and the stores of claimed repositories about to be polled, two statements
   * for all of them instead of two per poll. Nothing else changes them meanwhile: a repository's
   * store is written by its polls, and the lease keeps any other poll of it away; a package asked
   * for after the claim is polled once more, as its request is younger than the claim. A read
   * that fails leaves each poll to read its own. What is read waits with the claimed repositories
   * for their slots: a claim takes at most four times the caps, and a store as a poll carries it
   * holds at most 1 MiB.
   */
  readAheadFor(claims: ClaimedRepository[]): void {
    if (claims.length < 2) return;
    const packages = this.work.packagesOfAll(claims);
    const stores = this.plugins.stores(claims.map((c) => c.repositoryId));
    const both = Promise.all([packages, stores]).then(
      ([of, store]) => ({ of, store }),
      () => null,
    );
    for (const claim of claims) {
      this.readAhead.set(
        claim,
        both.then((read) => (read === null ? null : { packages: read.of.get(claim)!, store: read.store.get(claim.repositoryId) })),
      );
    }
  }

  /**
   * Records the poll; when the database refuses it (a value it cannot store, no memory left),
   * package by package, so that one package's answer does not keep the others from being
   * recorded, and a package whose answer is refused is recorded as failing, with backoff —
   * rather than staying due and being polled again at once, forever.
   */
  private async recordSafely(
    claim: ClaimedRepository,
    repository: RepositoryFacts,
    packages: PackageWork[],
    results: PackagePollResult[],
    owner: string | null,
  ): Promise<RecordedPoll> {
    try {
      return await this.recorder.recordTogether({ claim, owner, repository, packages, results });
    } catch {
      // Written with other polls, one refusal fails them all: each is written alone once more.
    }
    try {
      return await this.recorder.record({ claim, owner, repository, packages, results });
    } catch (error) {
      this.logger.warn({ err: error, repository: repository.id }, 'the poll could not be recorded as a whole; recording package by package');
    }
    const recorded: RecordedPoll = { outcomes: new Map(), eventIds: [] };
    for (const result of results) {
      const one = await this.recordOne(claim, repository, packages, result);
      for (const [id, outcome] of one.outcomes) recorded.outcomes.set(id, outcome);
      recorded.eventIds.push(...one.eventIds);
    }
    return recorded;
  }

  private async recordOne(claim: ClaimedRepository, repository: RepositoryFacts, packages: PackageWork[], result: PackagePollResult): Promise<RecordedPoll> {
    try {
      return await this.recorder.record({ claim, owner: null, repository, packages, results: [result] });
    } catch (error) {
      if (result.kind === 'error') throw error;
      this.logger.error({ err: error, repository: repository.id, package: result.packageId }, "a package's poll answer could not be recorded");
      const message = `the poll's answer could not be recorded: ${databaseRefusal(error)}`;
      const failed: PackagePollResult = {
        packageId: result.packageId,
        kind: 'error',
        error: { kind: 'transient', code: 'recording_failed', message, retry_after_seconds: null },
      };
      return this.recorder.record({ claim, owner: null, repository, packages, results: [failed] });
    }
  }

  /** `store`, read ahead, goes with the first call only: a later one finds what the first wrote. */
  private async ask(
    repositoryId: string,
    pluginId: string,
    stored: Parameters<ConfigurationCodec['plain']>[1],
    packages: PackageWork[],
    store: StoreSnapshot | undefined,
  ): Promise<PackagePollResult[]> {
    const plugin = this.plugins.plugin(pluginId);
    if (!plugin)
      return failAll(packages, { kind: 'permanent', code: 'plugin_missing', message: `plugin '${pluginId}' is not loaded`, retry_after_seconds: null });
    let repoConfig: Record<string, string>;
    const configs = new Map<string, Record<string, string>>();
    try {
      repoConfig = this.codec.plain(plugin.repositoryProperties, stored, { resourceType: 'repository', resourceId: repositoryId });
      for (const p of packages)
        configs.set(p.packageId, this.codec.plain(plugin.packageProperties, p.configuration, { resourceType: 'package', resourceId: p.packageId }));
    } catch (error) {
      return failAll(packages, {
        kind: 'permanent',
        code: 'undecryptable_configuration',
        message: `a secure value could not be decrypted: ${(error as Error).message}`,
        retry_after_seconds: null,
      });
    }
    const secrets = [
      ...secureValues(plugin.repositoryProperties, repoConfig),
      ...[...configs.values()].flatMap((c) => secureValues(plugin.packageProperties, c)),
    ];
    const results: PackagePollResult[] = [];
    if (plugin.capabilities.batch) results.push(...(await this.askBatch(pluginId, repositoryId, repoConfig, packages, configs, store)));
    else
      for (const [k, p] of packages.entries())
        results.push(await this.askOne(pluginId, repositoryId, repoConfig, p, configs.get(p.packageId)!, k === 0 ? store : undefined));
    return results.map((r) => (r.kind === 'error' ? { ...r, error: { ...r.error, message: maskSecrets(r.error.message, secrets) } } : r));
  }

  private async askBatch(
    pluginId: string,
    repositoryId: string,
    repoConfig: Record<string, string>,
    packages: PackageWork[],
    configs: Map<string, Record<string, string>>,
    store: StoreSnapshot | undefined,
  ): Promise<PackagePollResult[]> {
    const items = packages.map((p) => ({ key: p.packageId, package_configuration: configs.get(p.packageId)!, previous_revision: p.previous }));
    try {
      const { results } = await this.plugins.latestRevisionsSince(pluginId, repositoryId, repoConfig, items, store);
      return results.map((r) =>
        r.error
          ? { packageId: r.key, kind: 'error', error: r.error }
          : { packageId: r.key, kind: 'answer', revision: r.result.revision, warnings: r.result.warnings },
      );
    } catch (error) {
      return failAll(packages, this.wire(error, pluginId));
    }
  }

  private async askOne(
    pluginId: string,
    repositoryId: string,
    repoConfig: Record<string, string>,
    pkg: PackageWork,
    pkgConfig: Record<string, string>,
    store: StoreSnapshot | undefined,
  ): Promise<PackagePollResult> {
    try {
      const answer = pkg.previous
        ? await this.plugins.latestRevisionSince(pluginId, repositoryId, repoConfig, pkgConfig, pkg.previous, store)
        : await this.plugins.latestRevision(pluginId, repositoryId, repoConfig, pkgConfig, store);
      return { packageId: pkg.packageId, kind: 'answer', revision: answer.revision, warnings: answer.warnings };
    } catch (error) {
      return { packageId: pkg.packageId, kind: 'error', error: this.wire(error, pluginId) };
    }
  }

  private wire(error: unknown, pluginId: string): WireError {
    if (error instanceof PluginCallError) return error.wire;
    this.logger.error({ err: error, plugin: pluginId }, 'poll failed unexpectedly');
    return { kind: 'bug', code: 'poll_failed', message: `the poll failed: ${(error as Error).message}`, retry_after_seconds: null };
  }
}

function failAll(packages: PackageWork[], error: WireError): PackagePollResult[] {
  return packages.map((p) => ({ packageId: p.packageId, kind: 'error', error }));
}
