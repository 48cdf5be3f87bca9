import { inspect } from 'node:util';
import type { PluginLogger } from '../context';

/**
 * A {@link PluginLogger} that appends one line per entry to an array, for tests to read.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * new CollectingLogger(lines, 'latestRevision').warn('odd entry skipped', { name: 'x' });
 * // lines: ['warn latestRevision: odd entry skipped {"name":"x"}']
 * ```
 */
export class CollectingLogger implements PluginLogger {
  constructor(
    readonly lines: string[],
    private readonly tag: string = '',
  ) {}

  debug(message: string, fields?: Record<string, unknown>): void {
    this.add('debug', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.add('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.add('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.add('error', message, fields);
  }

  private add(level: string, message: string, fields?: Record<string, unknown>): void {
    const where = this.tag === '' ? '' : ` ${this.tag}`;
    const extra = fields === undefined ? '' : ` ${describeFields(fields)}`;
    this.lines.push(`${level}${where}: ${String(message)}${extra}`);
  }
}

/** Logging must never fail a call, even with fields JSON cannot write (cycles, bigints). */
function describeFields(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields);
  } catch {
    return inspect(fields, { breakLength: Infinity });
  }
}
