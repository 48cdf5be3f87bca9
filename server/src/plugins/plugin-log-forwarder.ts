import type { Logger } from 'pino';
import type { PluginDescriptor, WorkerMessage } from './protocol';

type LogMessage = Extract<WorkerMessage, { type: 'log' }>;
type Level = LogMessage['level'];

/** The call a log line belongs to, as far as the log needs it. */
export interface LoggedCall {
  name: string;
  payload: unknown;
}

const LEVELS: ReadonlySet<string> = new Set<Level>(['debug', 'info', 'warn', 'error']);
const RESERVED = new Set(['plugin', 'request', 'call', 'level', 'msg', 'time']);

/**
 * Writes a plugin's log lines into the server's log, tagged with the plugin and the request.
 * Values of the call's secure properties are masked, in case a plugin logs what it was given.
 */
export class PluginLogForwarder {
  private readonly secureKeys: string[];
  /** Secure values of calls under way (until null) or recently ended, by call id. */
  private readonly recent = new Map<number, { secrets: string[]; until: number | null }>();

  constructor(
    private readonly logger: Logger,
    descriptor: PluginDescriptor,
  ) {
    const properties = [...descriptor.repositoryProperties, ...descriptor.packageProperties];
    this.secureKeys = properties.filter((property) => property.secure).map((property) => property.key);
  }

  forward(message: LogMessage, call: LoggedCall | undefined): void {
    const secrets = call ? this.secretsOf(call.payload) : [];
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(message.fields ?? {})) {
      if (!RESERVED.has(key)) fields[key] = mask(value, secrets);
    }
    const level: Level = LEVELS.has(message.level) ? message.level : 'info';
    this.logger[level]({ ...fields, request: call?.name ?? null, call: message.request_id ?? null }, mask(String(message.message), secrets));
  }

  /** What plugin code prints goes to the log too: mask the secure values of the calls under way, and of those just ended. */
  maskOutput(line: string): string {
    const now = Date.now();
    const secrets: string[] = [];
    for (const [id, entry] of this.recent) {
      if (entry.until !== null && entry.until < now) this.recent.delete(id);
      else secrets.push(...entry.secrets);
    }
    return mask(line, secrets);
  }

  callStarted(callId: number, payload: unknown): void {
    const secrets = this.secretsOf(payload);
    if (secrets.length > 0) this.recent.set(callId, { secrets, until: null });
  }

  callEnded(callId: number): void {
    const entry = this.recent.get(callId);
    if (entry) entry.until = Date.now() + OUTPUT_MASK_LINGER_MS;
  }

  private secretsOf(payload: unknown): string[] {
    const p = (payload ?? {}) as Record<string, unknown>;
    const configurations = [p['repository_configuration'], p['package_configuration']];
    if (Array.isArray(p['packages'])) configurations.push(...p['packages'].map((item) => (item as Record<string, unknown>)['package_configuration']));
    const secrets: string[] = [];
    for (const configuration of configurations) {
      const values = (configuration ?? {}) as Record<string, unknown>;
      for (const key of this.secureKeys) {
        const value = values[key];
        if (typeof value === 'string' && value !== '') secrets.push(value);
      }
    }
    return secrets;
  }
}

// Output is buffered: a line may arrive a little after its call ended.
const OUTPUT_MASK_LINGER_MS = 60_000;

function mask<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return secrets.reduce((text, secret) => text.split(secret).join('***'), value as string) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mask(item, secrets)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mask(item, secrets)])) as T;
  }
  return value;
}
