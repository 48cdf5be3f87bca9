import { instanceCachingFactory, type DependencyContainer, type InjectionToken } from 'tsyringe';
import type { Logger } from 'pino';
import type { Settings } from './config/settings';
import type { Database } from './db/database';
import { TOKENS } from './injection-tokens';
import type { PluginHost } from './plugins/plugin-host';
import type { SecretBox } from './security/secret-box';

/** Registers one instance per container under a class or token, built by `make` on first need. */
export function singleton<T>(c: DependencyContainer, token: InjectionToken<T>, make: (r: DependencyContainer) => T): void {
  c.register(token, { useFactory: instanceCachingFactory(make) });
}

/** The roots and shared services every area's registrations take, typed once. */
export const roots = {
  database: (r: DependencyContainer) => r.resolve<Database>(TOKENS.database),
  settings: (r: DependencyContainer) => r.resolve<Settings>(TOKENS.settings),
  secretBox: (r: DependencyContainer) => r.resolve<SecretBox>(TOKENS.secretBox),
  plugins: (r: DependencyContainer) => r.resolve<PluginHost>(TOKENS.pluginHost),
  /** The log of one area of the server, as its lines name it. */
  logger: (r: DependencyContainer, area: string) => r.resolve<Logger>(TOKENS.logger).child({ area }),
};
