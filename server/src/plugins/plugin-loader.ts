import type { Logger } from 'pino';
import { discoverPlugins } from './plugin-discovery';
import type { PluginHostObserver, PluginHostOptions, RestartPolicy } from './plugin-host-options';
import type { PluginRefusal } from './plugin-info';
import type { PluginManifest } from './plugin-manifest';
import { PluginRuntime } from './plugin-runtime';
import { coversReservedVariable } from '@baton/plugin-api';
import { settingVariable } from './plugin-settings';
import type { PluginStateStore } from './plugin-state-store';
import type { PluginDescriptor } from './protocol';
import { launchPluginWorker } from './worker-launch';
import { awaitReady } from './worker-ready';
import { passedNames, workerEnv } from './worker-env';

export interface LoaderSettings extends PluginHostOptions {
  restart: RestartPolicy;
  readyTimeoutMs: number;
  extraWorkerEnv: Record<string, string>;
  memorySampleMs: number;
  maxExternalMb: number;
  observer: PluginHostObserver;
}

export interface LoadedPlugins {
  runtimes: PluginRuntime[];
  refusals: PluginRefusal[];
}

/** The setting every plugin has: more variables of the server's environment for its workers. */
const PASS_ENV_SETTING = 'PASS_ENV';

type Probe = { manifest: PluginManifest; descriptor: PluginDescriptor } | PluginRefusal;

/**
 * Finds, checks and starts the plugins. Each package is first loaded once in a worker that gets
 * no settings at all, to learn its id; only then, with the id known and not taken, do its real
 * workers start with its own `BATON_PLUGIN_<ID>_*` variables.
 */
export class PluginLoader {
  constructor(
    private readonly settings: LoaderSettings,
    private readonly store: PluginStateStore,
    private readonly logger: Logger,
    private readonly nextCallId: () => number,
  ) {}

  async load(): Promise<LoadedPlugins> {
    const { manifests, refusals } = await discoverPlugins(this.settings.bundledDir, this.settings.externalDir);
    const probes = await Promise.all(manifests.map((manifest) => this.probe(manifest)));
    const taken = new Map<string, PluginManifest>();
    const accepted: { manifest: PluginManifest; descriptor: PluginDescriptor }[] = [];
    for (const probe of probes) {
      if (!('descriptor' in probe)) refusals.push(probe);
      else if (taken.has(probe.descriptor.id)) refusals.push(this.idTaken(probe.manifest, probe.descriptor, taken));
      else {
        taken.set(probe.descriptor.id, probe.manifest);
        accepted.push(probe);
      }
    }
    const started = await Promise.all(accepted.map(({ manifest, descriptor }) => this.startRuntime(manifest, descriptor)));
    const runtimes = started.filter((result): result is PluginRuntime => result instanceof PluginRuntime);
    refusals.push(...started.filter((result): result is PluginRefusal => !(result instanceof PluginRuntime)));
    return { runtimes, refusals };
  }

  private async probe(manifest: PluginManifest): Promise<Probe> {
    const worker = launchPluginWorker({
      entryFile: manifest.entryFile,
      describeOnly: true,
      env: workerEnv(process.env, { settings: [], entries: [] }, this.settings.extraWorkerEnv),
      maxHeapMb: this.settings.maxHeapMb,
      http: this.settings.http,
      memorySampleMs: this.settings.memorySampleMs,
      logger: this.logger.child({ plugin_location: manifest.location }),
    });
    // Errors after the answer (the worker is being stopped anyway) must not reach the host unhandled.
    worker.on('error', () => undefined);
    try {
      return { manifest, descriptor: await awaitReady(worker, this.settings.readyTimeoutMs) };
    } catch (error) {
      return { location: manifest.location, message: (error as Error).message };
    } finally {
      void worker.terminate();
    }
  }

  private idTaken(manifest: PluginManifest, descriptor: PluginDescriptor, taken: Map<string, PluginManifest>): PluginRefusal {
    const winner = taken.get(descriptor.id) as PluginManifest;
    return { location: manifest.location, message: `plugin id '${descriptor.id}' is already taken by the ${winner.source} plugin at ${winner.location}` };
  }

  private async startRuntime(manifest: PluginManifest, descriptor: PluginDescriptor): Promise<PluginRuntime | PluginRefusal> {
    const variables = Object.keys(descriptor.settings).map((key) => settingVariable(descriptor.id, key));
    const passVariable = settingVariable(descriptor.id, PASS_ENV_SETTING);
    this.warnAboutUnknownVariables(descriptor.id, [...variables, passVariable]);
    const entries = [...descriptor.environment, ...this.passedNames(descriptor.id, passVariable)];
    const env = workerEnv(process.env, { settings: variables, entries }, this.settings.extraWorkerEnv);
    const logger = this.logger.child({ plugin: descriptor.id });
    const { maxHeapMb, http, memorySampleMs, observer } = this.settings;
    const runtime = new PluginRuntime({
      manifest,
      descriptor,
      workers: this.settings.workersPerPlugin,
      callTimeoutMs: this.settings.callTimeoutMs,
      readyTimeoutMs: this.settings.readyTimeoutMs,
      maxHeapMb,
      maxExternalMb: this.settings.maxExternalMb,
      restart: this.settings.restart,
      store: this.store,
      logger,
      launch: (maskLine) => launchPluginWorker({ entryFile: manifest.entryFile, describeOnly: false, env, maxHeapMb, http, memorySampleMs, logger, maskLine }),
      nextCallId: this.nextCallId,
      memorySampled: (memory) => observer.memorySampled(descriptor.id, memory),
    });
    try {
      await runtime.start();
    } catch (error) {
      return { location: manifest.location, message: `plugin '${descriptor.id}' did not start: ${(error as Error).message}` };
    }
    logger.info({ version: descriptor.version, source: manifest.source, location: manifest.location }, 'plugin loaded');
    return runtime;
  }

  /** The administrator's additions to a plugin's environment; names Baton keeps to itself are dropped, saying so. */
  private passedNames(pluginId: string, passVariable: string): string[] {
    const names = passedNames(process.env[passVariable]);
    for (const name of names.filter(coversReservedVariable)) {
      this.logger.warn({ plugin: pluginId, variable: name }, `${passVariable} names ${name}, which is Baton's own or its database's: it is not passed`);
    }
    return names.filter((name) => !coversReservedVariable(name));
  }

  /** A misspelt setting would otherwise be ignored without a word. */
  private warnAboutUnknownVariables(pluginId: string, declared: string[]): void {
    const prefix = settingVariable(pluginId, '');
    for (const name of Object.keys(process.env)) {
      if (name.startsWith(prefix) && !declared.includes(name)) {
        this.logger.warn({ plugin: pluginId, variable: name }, `${name} is set, but plugin '${pluginId}' declares no such setting`);
      }
    }
  }
}
