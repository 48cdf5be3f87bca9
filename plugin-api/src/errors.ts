/** How a failure is treated by the host: retried with backoff, reported at once, or a plugin bug. */
export type ErrorKind = 'transient' | 'permanent' | 'bug';

/**
 * A failure as it crosses the worker boundary. Classification depends on `kind` alone, never on
 * `instanceof`, so a plugin that bundles its own copy of this package is classified the same way.
 *
 * @example
 * ```ts
 * const wire: WireError = { kind: 'transient', code: 'http_503', message: 'Service unavailable', retry_after_seconds: 30 };
 * ```
 */
export interface WireError {
  kind: ErrorKind;
  code: string;
  message: string;
  retry_after_seconds: number | null;
}

const CODE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;

/**
 * Base of the two failures a plugin may raise on purpose. Use {@link TransientError} or
 * {@link PermanentError}; anything else a plugin throws is reported as a bug.
 *
 * @example
 * ```ts
 * try { await work(); } catch (e) { if (e instanceof PluginError) console.log(e.kind, e.code); }
 * ```
 */
export abstract class PluginError extends Error {
  abstract readonly kind: 'transient' | 'permanent';
  readonly code: string;

  protected constructor(code: string, message: string) {
    super(message);
    if (!CODE_PATTERN.test(code)) {
      throw new TypeError(`error code '${code}' must match ${CODE_PATTERN} (for example 'http_503')`);
    }
    this.code = code;
  }
}

/**
 * A failure that may go away by itself: network errors, timeouts, HTTP 429 and 5xx. The host
 * retries with exponential backoff, or after `retryAfterSeconds` when the repository said so.
 *
 * @example
 * ```ts
 * throw new TransientError('http_503', 'repository answered 503 Service Unavailable', { retryAfterSeconds: 120 });
 * ```
 */
export class TransientError extends PluginError {
  readonly kind = 'transient' as const;
  readonly retryAfterSeconds: number | null;

  constructor(code: string, message: string, options: { retryAfterSeconds?: number | null } = {}) {
    super(code, message);
    this.name = 'TransientError';
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}

/**
 * A failure that will not go away until someone changes something: bad configuration, a package
 * that does not exist, metadata that cannot be parsed. The host reports it at once and does not
 * retry sooner than the package's normal interval.
 *
 * @example
 * ```ts
 * throw new PermanentError('checksum_mismatch', 'repodata/primary.xml.gz: sha256 does not match repomd.xml');
 * ```
 */
export class PermanentError extends PluginError {
  readonly kind = 'permanent' as const;

  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'PermanentError';
  }
}

/**
 * Turns anything thrown into its wire form. An object whose `kind` is `transient` or `permanent`
 * and whose `code` and `message` are strings keeps its classification; everything else is a bug.
 *
 * @example
 * ```ts
 * toWireError(new PermanentError('not_found', 'no such package')).kind; // 'permanent'
 * toWireError(new TypeError('x is undefined')).kind;                   // 'bug'
 * ```
 */
export function toWireError(thrown: unknown): WireError {
  const candidate = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as Record<string, unknown>;
  const kind = candidate['kind'];
  const code = candidate['code'];
  const message = typeof candidate['message'] === 'string' ? candidate['message'] : String(thrown);
  if ((kind === 'transient' || kind === 'permanent') && typeof code === 'string') {
    // A WireError handed back in a batch answer carries the snake_case field.
    const retry = candidate['retryAfterSeconds'] ?? candidate['retry_after_seconds'];
    const retryAfter = kind === 'transient' && typeof retry === 'number' && Number.isFinite(retry) && retry >= 0 ? retry : null;
    return { kind, code, message, retry_after_seconds: retryAfter };
  }
  const name = typeof candidate['name'] === 'string' ? candidate['name'] : 'Error';
  return { kind: 'bug', code: 'plugin_bug', message: `${name}: ${message}`, retry_after_seconds: null };
}
