import { PLUGIN_API_VERSION } from './api-version';
import { specProblems } from './spec-problems';

export { specProblems };
import {
  resolveProperty,
  validateAgainstProperties,
  type Configuration,
  type ConfigurationProperty,
  type ResolvedProperty,
  type ValidationError,
} from './configuration';
import type { PluginContext } from './context';
import type { WireError } from './errors';
import type { PackageRevision, RevisionResult } from './revision';

/**
 * What a plugin can do, as data: the host reads it, never probes for optional methods.
 *
 * @example
 * ```ts
 * const capabilities: Capabilities = { batch: true };
 * ```
 */
export interface Capabilities {
  /** `latestRevisionsSince` answers every package of a repository from one metadata download. */
  batch: boolean;
}

/**
 * A setting the plugin needs (a limit, a tuning knob), read from `BATON_PLUGIN_<ID>_<KEY>`.
 *
 * @example
 * ```ts
 * const maxBytes: SettingDeclaration = { type: 'integer', default: 512 * 1024 * 1024, description: 'largest primary.xml, decompressed' };
 * ```
 */
export type SettingDeclaration =
  | { type: 'integer'; default: number; description: string; min?: number; max?: number }
  | { type: 'string'; default: string; description: string }
  | { type: 'boolean'; default: boolean; description: string };

/**
 * The answer of a connection check.
 *
 * @example
 * ```ts
 * const ok: CheckResult = { ok: true, messages: ['Successfully accessed repository metadata at https://repo.example.org/el9/'] };
 * ```
 */
export interface CheckResult {
  ok: boolean;
  messages: string[];
}

/**
 * The answer of a package connection check; `revision` is the latest one found, if any.
 *
 * @example
 * ```ts
 * const found: PackageCheckResult = { ok: true, messages: ["Found package 'scrt-0.3.3-1.x86_64'."], revision };
 * ```
 */
export interface PackageCheckResult extends CheckResult {
  revision?: PackageRevision | null;
}

/**
 * One package of a batch question: its key (opaque to the plugin, echoed back), its
 * configuration and the last revision recorded for it (`null` before the first).
 *
 * @example
 * ```ts
 * const item: BatchItem = { key: 'b7e…', package: { PACKAGE_SPEC: 'scrt' }, previous: null };
 * ```
 */
export interface BatchItem {
  key: string;
  package: Configuration;
  previous: PackageRevision | null;
}

/**
 * The answer for one package of a batch: a result, or the error that concerns this package only
 * (a thrown error fails every package of the batch).
 *
 * @example
 * ```ts
 * const answers: BatchAnswer[] = [
 *   { key: 'a', result: { revision } },
 *   { key: 'b', error: new PermanentError('ambiguous_spec', "'scrt*' matches scrt.x86_64 and scrt.armhf") },
 * ];
 * ```
 */
export type BatchAnswer = { key: string; result: RevisionResult; error?: undefined } | { key: string; error: Error | WireError; result?: undefined };

/**
 * The operations a plugin implements. All are async; none schedules anything.
 *
 * @example See {@link definePlugin}.
 */
export interface PluginOperations {
  /** Plugin-specific validation of a repository configuration (the generic checks come first). */
  validateRepository?(repository: Configuration): Promise<ValidationError[]>;
  /** Plugin-specific validation of a package configuration, given its repository's. */
  validatePackage?(repository: Configuration, pkg: Configuration): Promise<ValidationError[]>;
  checkRepositoryConnection(repository: Configuration, ctx: PluginContext): Promise<CheckResult>;
  checkPackageConnection(repository: Configuration, pkg: Configuration, ctx: PluginContext): Promise<PackageCheckResult>;
  /** The latest revision of a package, or `null` when none matches yet. */
  latestRevision(repository: Configuration, pkg: Configuration, ctx: PluginContext): Promise<RevisionResult>;
  /** A revision newer than `previous`, or `null` when there is nothing new. The plugin decides what "newer" means. */
  latestRevisionSince(repository: Configuration, pkg: Configuration, previous: PackageRevision, ctx: PluginContext): Promise<RevisionResult>;
  /** Required when `capabilities.batch` is true: one answer per item, from one metadata download. */
  latestRevisionsSince?(repository: Configuration, items: BatchItem[], ctx: PluginContext): Promise<BatchAnswer[]>;
}

/**
 * Which of a repository's configuration values a pipeline's `fetch_package` sends with the
 * download of a revision's `LOCATION`, and to which origin. Downloads from any other origin, and
 * every hop of a redirect to another origin, get none.
 *
 * @example
 * ```ts
 * const fetchCredentials: FetchCredentials = {
 *   urlKey: 'REGISTRY_URL',
 *   bearer: { token: 'AUTH_TOKEN' },
 *   basic: { username: 'USERNAME', password: 'PASSWORD' },
 * };
 * ```
 */
export interface FetchCredentials {
  /** The repository key whose URL's origin the credentials belong to. Empty or not http(s): none are sent. */
  urlKey: string;
  /** Keys of a user name and password sent as HTTP Basic. */
  basic?: { username: string; password: string };
  /** Key of a token sent as `Authorization: Bearer`; it wins over Basic when both are set. */
  bearer?: { token: string };
}

/**
 * What a plugin author writes.
 *
 * @example See {@link definePlugin}.
 */
export interface PluginSpec extends PluginOperations {
  /** Lower case, `[a-z][a-z0-9-]*`, unique among the server's plugins: `yum`, `npm`, `maven`. */
  id: string;
  displayName: string;
  /** The plugin's own version (semver). */
  version: string;
  capabilities: Capabilities;
  repository: { properties: ConfigurationProperty[] };
  package: { properties: ConfigurationProperty[] };
  settings?: Record<string, SettingDeclaration>;
  /**
   * Variables of the server's environment this plugin's workers receive, beyond the proxy
   * variables every worker gets and its own settings: names (`HOME`), or prefixes ending in `*`
   * (`npm_config_*`, compared without regard to case). Baton's own variables (`BATON_*`) and the
   * database's (`DATABASE_URL`, `PG*`) are never passed. Administrators may add names with
   * `BATON_PLUGIN_<ID>_PASS_ENV`.
   */
  environment?: string[];
  /**
   * Which repository values `fetch_package` sends with downloads of this plugin's revisions, and
   * where. Without it: `USERNAME` and `PASSWORD` as Basic, to the origin of `REPO_URL` (or `URL`).
   */
  fetchCredentials?: FetchCredentials;
}

/**
 * A checked plugin definition, as the host loads it: properties resolved, validation wrapped so
 * that the generic checks always run.
 *
 * @example
 * ```ts
 * const definition: PluginDefinition = definePlugin(spec);
 * await definition.validateRepository({}); // includes "… (URL) is required"
 * ```
 */
export interface PluginDefinition extends Omit<
  PluginSpec,
  'repository' | 'package' | 'settings' | 'environment' | 'fetchCredentials' | 'validateRepository' | 'validatePackage'
> {
  apiVersion: number;
  repository: { properties: ResolvedProperty[] };
  package: { properties: ResolvedProperty[] };
  settings: Record<string, SettingDeclaration>;
  environment: string[];
  fetchCredentials: FetchCredentials | null;
  validateRepository(repository: Configuration): Promise<ValidationError[]>;
  validatePackage(repository: Configuration, pkg: Configuration): Promise<ValidationError[]>;
}

/**
 * Checks a plugin and returns its definition; the module's default export (or its `plugin`
 * export) must be this value. Throws a `TypeError` that says what is wrong.
 *
 * @example
 * ```ts
 * import { definePlugin, PermanentError } from '@baton/plugin-api';
 *
 * export default definePlugin({
 *   id: 'static-list',
 *   displayName: 'Static version list',
 *   version: '1.0.0',
 *   capabilities: { batch: false },
 *   repository: { properties: [{ key: 'URL', displayName: 'List URL' }] },
 *   package: { properties: [{ key: 'NAME', displayName: 'Package name' }] },
 *   async checkRepositoryConnection(repo, ctx) {
 *     const response = await ctx.http.get({ url: repo.URL });
 *     response.discard();
 *     return { ok: response.status === 200, messages: [`${repo.URL} answered ${response.status}`] };
 *   },
 *   async checkPackageConnection(repo, pkg, ctx) {
 *     const { revision } = await this.latestRevision(repo, pkg, ctx);
 *     return { ok: revision !== null, messages: [revision ? `Found ${revision.revision}` : 'Not found'], revision };
 *   },
 *   async latestRevision(repo, pkg, ctx) {
 *     const list = (await (await ctx.http.get({ url: repo.URL })).json()) as Record<string, string>;
 *     const version = list[pkg.NAME];
 *     return { revision: version ? { revision: version, timestamp: new Date() } : null };
 *   },
 *   async latestRevisionSince(repo, pkg, previous, ctx) {
 *     const { revision } = await this.latestRevision(repo, pkg, ctx);
 *     return { revision: revision && revision.revision !== previous.revision ? revision : null };
 *   },
 * });
 * ```
 */
export function definePlugin(spec: PluginSpec): PluginDefinition {
  const problems = specProblems(spec);
  if (problems.length > 0) {
    throw new TypeError(`plugin '${String(spec?.id)}' is not well defined: ${problems.join('; ')}`);
  }
  const repositoryProperties = sortProperties(spec.repository.properties);
  const packageProperties = sortProperties(spec.package.properties);
  return {
    ...spec,
    apiVersion: PLUGIN_API_VERSION,
    repository: { properties: repositoryProperties },
    package: { properties: packageProperties },
    settings: spec.settings ?? {},
    environment: spec.environment ?? [],
    fetchCredentials: spec.fetchCredentials ?? null,
    async validateRepository(repository) {
      const generic = validateAgainstProperties(repositoryProperties, repository);
      const own = spec.validateRepository ? await spec.validateRepository(repository) : [];
      return mergeErrors(generic, own);
    },
    async validatePackage(repository, pkg) {
      const generic = validateAgainstProperties(packageProperties, pkg);
      const own = spec.validatePackage ? await spec.validatePackage(repository, pkg) : [];
      return mergeErrors(generic, own);
    },
  };
}

function sortProperties(properties: ConfigurationProperty[]): ResolvedProperty[] {
  return properties.map(resolveProperty).sort((a, b) => a.displayOrder - b.displayOrder);
}

function mergeErrors(generic: ValidationError[], own: ValidationError[]): ValidationError[] {
  const seen = new Set(generic.map((e) => `${e.key}\u0000${e.message}`));
  return [...generic, ...own.filter((e) => !seen.has(`${e.key}\u0000${e.message}`))];
}
