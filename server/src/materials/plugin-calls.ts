import { Type, type Static } from '@sinclair/typebox';
import type { ValidationError } from '@baton/plugin-api';
import { PluginCallError } from '../plugins/plugin-call-error';
import type { PluginHost } from '../plugins/plugin-host';
import type { PluginInfo } from '../plugins/plugin-info';
import { addFieldError, InvalidInput, PluginFailed, Unavailable, type FieldErrors } from '../domain-errors';
import { component, OneOf, ref } from '../schema-components';
import { Revision } from './revision-schema';
import { maskSecrets } from './secret-mask';

/** What materials need of the plugin host. */
export type PluginCalls = Pick<
  PluginHost,
  'plugin' | 'plugins' | 'validateRepository' | 'validatePackage' | 'checkRepositoryConnection' | 'checkPackageConnection'
>;

/**
 * A connection check's answer; a failed connection is an answer, not an error. The protocol's
 * check answers describe what a worker sends, before the host's checks; this is what the API shows.
 */
export const ConnectionCheck = component(
  'ConnectionCheck',
  Type.Object(
    {
      ok: Type.Boolean(),
      messages: Type.Array(Type.String()),
      revision: Type.Optional(OneOf([Type.Null(), ref(Revision)])),
    },
    { additionalProperties: false },
  ),
);
export type ConnectionCheck = Static<typeof ConnectionCheck>;

/** The loaded plugin, or a validation error on `field` that names the loaded ones. */
export function requirePlugin(plugins: PluginCalls, pluginId: string, field = 'plugin_id'): PluginInfo {
  const plugin = plugins.plugin(pluginId);
  if (plugin) return plugin;
  const loaded = plugins.plugins().map((p) => p.id);
  throw InvalidInput.field(field, `no plugin '${pluginId}' is loaded (loaded: ${loaded.join(', ') || 'none'})`);
}

/**
 * Runs a plugin's validation: its messages become field errors under `configuration`. A plugin
 * that cannot answer now is a 503; one that fails (a bug, or a permanent error) a 502.
 */
export async function pluginValidation(work: () => Promise<{ errors: ValidationError[] }>, secrets: readonly string[] = []): Promise<FieldErrors> {
  let problems: ValidationError[];
  try {
    problems = (await work()).errors;
  } catch (error) {
    if (!(error instanceof PluginCallError)) throw error;
    const message = `the plugin could not validate the configuration: ${maskSecrets(error.message, secrets)}`;
    if (error.wire.kind === 'transient') throw new Unavailable(message, 30);
    throw new PluginFailed(message);
  }
  const errors: FieldErrors = {};
  for (const problem of problems) addFieldError(errors, problem.key ? `configuration.${problem.key}` : 'configuration', maskSecrets(problem.message, secrets));
  return errors;
}

/** Runs a connection check; a plugin failure becomes `ok: false` with its message, secure values hidden. */
export async function connectionCheck(work: () => Promise<ConnectionCheck>, secrets: readonly string[]): Promise<ConnectionCheck> {
  try {
    const result = await work();
    const messages = result.messages.map((m) => maskSecrets(m, secrets));
    return { ok: result.ok, messages, ...(result.revision !== undefined ? { revision: result.revision } : {}) };
  } catch (error) {
    if (!(error instanceof PluginCallError)) throw error;
    return { ok: false, messages: [`${error.wire.kind === 'bug' ? 'The plugin failed' : 'Check failed'}: ${maskSecrets(error.message, secrets)}`] };
  }
}

/** Merges field error maps; throws `InvalidInput` when any has an entry. */
export function throwIfInvalid(...maps: FieldErrors[]): void {
  const merged: FieldErrors = {};
  for (const map of maps) {
    for (const [path, messages] of Object.entries(map)) {
      for (const message of messages) if (!Object.hasOwn(merged, path) || !merged[path].includes(message)) addFieldError(merged, path, message);
    }
  }
  if (Object.keys(merged).length > 0) throw new InvalidInput(merged);
}

/** Names: letters, digits, `.`, `_`, `-`, 1 to 255 characters. */
export function nameErrors(name: unknown, field = 'name'): FieldErrors {
  if (typeof name === 'string' && /^[A-Za-z0-9._-]{1,255}$/.test(name)) return {};
  return { [field]: ['name must be 1 to 255 letters, digits, dots, underscores or dashes'] };
}
