import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { checkedAnswer } from './answer-checks';
import { PluginCallError } from './plugin-call-error';
import {
  DEFAULT_MAX_EXTERNAL_MB,
  DEFAULT_MEMORY_SAMPLE_MS,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_RESTART_POLICY,
  type PluginHostOptions,
} from './plugin-host-options';
import type { PluginInfo, PluginRefusal } from './plugin-info';
import { PluginLoader } from './plugin-loader';
import type { PluginRuntime } from './plugin-runtime';
import { SNAPSHOT_LIMITS, type PluginStateStore, type StoreSnapshot } from './plugin-state-store';
import type { ConfigurationMap, RequestName, RequestPayloads, ResponsePayloads, RevisionAnswer, WireRevision } from './protocol';
import { WORKER_FILE } from './worker-launch';

/**
 * Polls read the repository's store on every call (validators, what the last poll saw): they get
 * it with the call, one query and no messages instead of a query and two messages per read.
 */
const POLLS: ReadonlySet<RequestName> = new Set(['latest-revision', 'latest-revision-since', 'latest-revisions-since']);

/** One package of a batch question, as the protocol carries it. */
export type BatchRequestItem = RequestPayloads['latest-revisions-since']['packages'][number];

/**
 * Runs the server's plugins, each in its own worker threads, and answers for them. Every call
 * has a timeout; a crashed or hung worker is replaced; failures reject with {@link PluginCallError}.
 */
export class PluginHost {
  private runtimes = new Map<string, PluginRuntime>();
  private refusals: PluginRefusal[] = [];
  private callIds = 0;

  constructor(
    private readonly options: PluginHostOptions,
    private readonly store: PluginStateStore,
    private readonly logger: Logger,
  ) {}

  /** Loads every plugin it finds; plugins that cannot be loaded are refused, the host starts anyway. */
  async start(): Promise<void> {
    if (!existsSync(WORKER_FILE)) throw new Error(`the plugin worker ${WORKER_FILE} is missing: build the server first`);
    const loader = new PluginLoader(
      {
        ...this.options,
        restart: this.options.restart ?? DEFAULT_RESTART_POLICY,
        readyTimeoutMs: this.options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
        extraWorkerEnv: this.options.extraWorkerEnv ?? {},
        memorySampleMs: this.options.memorySampleMs ?? DEFAULT_MEMORY_SAMPLE_MS,
        maxExternalMb: this.options.maxExternalMb ?? DEFAULT_MAX_EXTERNAL_MB,
        observer: this.options.observer ?? { memorySampled: () => undefined },
      },
      this.store,
      this.logger,
      () => ++this.callIds,
    );
    const { runtimes, refusals } = await loader.load();
    this.runtimes = new Map(runtimes.map((runtime) => [runtime.id, runtime]));
    this.refusals = refusals;
    for (const refusal of refusals) this.logger.error({ location: refusal.location }, `plugin refused: ${refusal.message}`);
  }

  /** Terminates every worker; calls still running fail. */
  async stop(): Promise<void> {
    await Promise.all([...this.runtimes.values()].map((runtime) => runtime.stop()));
  }

  plugins(): PluginInfo[] {
    return [...this.runtimes.values()].map((runtime) => runtime.info());
  }

  plugin(id: string): PluginInfo | null {
    return this.runtimes.get(id)?.info() ?? null;
  }

  refused(): PluginRefusal[] {
    return this.refusals.map((refusal) => ({ ...refusal }));
  }

  /** Brings a plugin back with fresh workers and no crash history; the answer tells whether that worked. */
  async restart(pluginId: string): Promise<PluginInfo> {
    const runtime = this.runtime(pluginId);
    await runtime.restart();
    return runtime.info();
  }

  validateRepository(pluginId: string, config: ConfigurationMap): Promise<ResponsePayloads['validate-repository-configuration']> {
    return this.call(pluginId, 'validate-repository-configuration', null, { repository_configuration: config });
  }

  validatePackage(pluginId: string, repoConfig: ConfigurationMap, pkgConfig: ConfigurationMap): Promise<ResponsePayloads['validate-package-configuration']> {
    return this.call(pluginId, 'validate-package-configuration', null, { repository_configuration: repoConfig, package_configuration: pkgConfig });
  }

  checkRepositoryConnection(pluginId: string, scope: string | null, config: ConfigurationMap): Promise<ResponsePayloads['check-repository-connection']> {
    return this.call(pluginId, 'check-repository-connection', scope, { repository_configuration: config });
  }

  checkPackageConnection(
    pluginId: string,
    scope: string | null,
    repoConfig: ConfigurationMap,
    pkgConfig: ConfigurationMap,
  ): Promise<ResponsePayloads['check-package-connection']> {
    return this.call(pluginId, 'check-package-connection', scope, { repository_configuration: repoConfig, package_configuration: pkgConfig });
  }

  /**
   * The polls below read the scope's store as they start; `carried`, read beforehand by
   * {@link stores} (the store as it stands: no call of this scope since), spares that read.
   */
  latestRevision(
    pluginId: string,
    scope: string | null,
    repoConfig: ConfigurationMap,
    pkgConfig: ConfigurationMap,
    carried?: StoreSnapshot,
  ): Promise<RevisionAnswer> {
    return this.call(pluginId, 'latest-revision', scope, { repository_configuration: repoConfig, package_configuration: pkgConfig }, carried);
  }

  latestRevisionSince(
    pluginId: string,
    scope: string | null,
    repoConfig: ConfigurationMap,
    pkgConfig: ConfigurationMap,
    previous: WireRevision,
    carried?: StoreSnapshot,
  ): Promise<RevisionAnswer> {
    const payload = { repository_configuration: repoConfig, package_configuration: pkgConfig, previous_revision: previous };
    return this.call(pluginId, 'latest-revision-since', scope, payload, carried);
  }

  /** Only for plugins whose `capabilities.batch` is true. */
  async latestRevisionsSince(
    pluginId: string,
    scope: string | null,
    repoConfig: ConfigurationMap,
    items: BatchRequestItem[],
    carried?: StoreSnapshot,
  ): Promise<ResponsePayloads['latest-revisions-since']> {
    if (!this.runtime(pluginId).info().capabilities.batch) {
      throw PluginCallError.of(pluginId, 'permanent', 'batch_not_supported', `plugin '${pluginId}' does not answer batch questions`);
    }
    return this.call(pluginId, 'latest-revisions-since', scope, { repository_configuration: repoConfig, packages: items }, carried);
  }

  /**
   * The stores of several scopes as polls carry them, read together (one query where the store
   * can): for polls about to start. A scope whose store cannot be read now is left out.
   */
  async stores(scopes: string[]): Promise<Map<string, StoreSnapshot>> {
    try {
      if (this.store.snapshots) return await this.store.snapshots(scopes, SNAPSHOT_LIMITS);
    } catch {
      return new Map();
    }
    const read = await Promise.all(scopes.map(async (scope) => [scope, await this.snapshot(scope)] as const));
    return new Map(read.filter((entry): entry is [string, StoreSnapshot] => entry[1] !== null));
  }

  private async call<N extends RequestName>(
    pluginId: string,
    name: N,
    scope: string | null,
    payload: RequestPayloads[N],
    carried?: StoreSnapshot,
  ): Promise<ResponsePayloads[N]> {
    const runtime = this.runtime(pluginId);
    const store = scope !== null && POLLS.has(name) ? (carried ?? (await this.snapshot(scope))) : null;
    const answer = await runtime.call(name, scope, payload, store);
    return checkedAnswer(pluginId, name, answer, payload);
  }

  /** The store a poll carries; without one (unreadable now) the worker asks key by key. */
  private async snapshot(scope: string): Promise<StoreSnapshot | null> {
    try {
      return await this.store.snapshot(scope, SNAPSHOT_LIMITS);
    } catch {
      return null;
    }
  }

  private runtime(pluginId: string): PluginRuntime {
    const runtime = this.runtimes.get(pluginId);
    if (!runtime) throw PluginCallError.of(pluginId, 'permanent', 'unknown_plugin', `there is no plugin '${pluginId}'`);
    return runtime;
  }
}
