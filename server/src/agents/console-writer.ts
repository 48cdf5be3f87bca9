import { SecretMask } from '../materials/secret-mask';

export interface ConsoleLimits {
  /** Output waits at most this long before it is sent. */
  flushMs: number;
  /** Output is sent at once when this much is waiting. */
  flushBytes: number;
  /** A job's log is cut here, with a note. */
  maxBytes: number;
}

export const DEFAULT_CONSOLE_LIMITS: ConsoleLimits = { flushMs: 250, flushBytes: 64 * 1024, maxBytes: 16 * 1024 * 1024 };

/**
 * A job's console as its agent writes it: output gathered into batches, every secret masked
 * before it leaves (in each form it may take, see `SecretMask`), and the whole log capped. A
 * batch holds back a tail that could be the start of a secret until more output comes (or the
 * job ends), so that a secret split between two writes, or across two lines, is still masked.
 */
export class ConsoleWriter {
  private buffer = '';
  private bufferedBytes = 0;
  private acceptedBytes = 0;
  private truncated = false;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();
  private readonly mask: SecretMask;

  constructor(
    private readonly sink: (text: string) => Promise<void>,
    secrets: readonly string[],
    private readonly limits: ConsoleLimits,
    private readonly onError: (error: unknown) => void,
  ) {
    this.mask = new SecretMask(secrets);
  }

  /** Output of the job's processes, as it comes. */
  write(text: string): void {
    if (this.truncated || text === '') return;
    // PostgreSQL text cannot hold NUL characters.
    const clean = text.replaceAll('\u0000', '\uFFFD');
    const bytes = Buffer.byteLength(clean);
    const room = this.limits.maxBytes - this.acceptedBytes;
    if (bytes > room) {
      this.truncated = true;
      const kept = Buffer.from(clean).subarray(0, room).toString('utf8');
      const limitMiB = Math.round((this.limits.maxBytes / 1024 / 1024) * 100) / 100;
      // The cut may fall inside a secret: what is kept of it is masked too.
      this.buffer = this.mask.split(this.buffer + kept, 'final').masked;
      this.append(`\n[baton] the console log reached its limit of ${limitMiB} MiB; further output is not kept\n`);
      return;
    }
    this.acceptedBytes += bytes;
    this.append(clean);
  }

  /** A line of the agent's own: task headers and outcomes. */
  line(text: string): void {
    this.write(`[baton] ${text}\n`);
  }

  /** Sends everything still waiting; resolves when it has been stored. */
  async close(): Promise<void> {
    await this.flush(true);
  }

  private append(text: string): void {
    this.buffer += text;
    this.bufferedBytes += Buffer.byteLength(text);
    if (this.bufferedBytes >= this.limits.flushBytes || this.truncated) void this.flush(this.truncated);
    else this.timer ??= setTimeout(() => void this.flush(false), this.limits.flushMs);
  }

  private flush(final: boolean): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // At the end, a held-back start of a secret is all of it there will be: it is masked.
    const { masked, held } = this.mask.split(this.buffer, final ? 'final' : 'hold');
    this.buffer = held;
    this.bufferedBytes = Buffer.byteLength(held);
    if (masked === '') return this.sending;
    this.sending = this.sending.then(() => this.sink(masked)).catch(this.onError);
    return this.sending;
  }
}
