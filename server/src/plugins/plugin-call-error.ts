import type { ErrorKind, WireError } from '@baton/plugin-api';

/**
 * How a plugin call fails, whoever caused it: the plugin (its own transient or permanent error,
 * or a bug), or the host (timeout, crash, a failed plugin). Callers classify by `wire.kind`.
 */
export class PluginCallError extends Error {
  readonly wire: WireError;
  readonly pluginId: string;

  constructor(pluginId: string, wire: WireError) {
    super(wire.message);
    this.name = 'PluginCallError';
    this.pluginId = pluginId;
    this.wire = wire;
  }

  /** An error raised by the host itself, never retried sooner than the caller's own backoff. */
  static of(pluginId: string, kind: ErrorKind, code: string, message: string): PluginCallError {
    return new PluginCallError(pluginId, { kind, code, message, retry_after_seconds: null });
  }
}
