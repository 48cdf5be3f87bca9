import { MASK, maskSecrets } from '../materials/secret-mask';

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
 * before it leaves, and the whole log capped. A batch holds back a tail that could be the start
 * of a secret until more output comes (or the job ends), so that a secret split between two
 * writes is still masked.
 */
export class ConsoleWriter {
  private buffer = '';
  private bufferedBytes = 0;
  private acceptedBytes = 0;
  private truncated = false;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();
  private readonly secrets: string[];

  constructor(
    private readonly sink: (text: string) => Promise<void>,
    secrets: readonly string[],
    private readonly limits: ConsoleLimits,
    private readonly onError: (error: unknown) => void,
  ) {
    this.secrets = secrets.filter((s) => s.length > 0);
  }

  /** Output of the job's processes, as it comes. */
  write(text: string): void {
    if (this.truncated || text === '') return;
    // PostgreSQL text cannot hold NUL characters.
    const clean = text.replace(/\u0000/g, '\uFFFD');
    const bytes = Buffer.byteLength(clean);
    const room = this.limits.maxBytes - this.acceptedBytes;
    if (bytes > room) {
      this.truncated = true;
      const kept = Buffer.from(clean).subarray(0, room).toString('utf8');
      const limitMiB = Math.round((this.limits.maxBytes / 1024 / 1024) * 100) / 100;
      // The cut may fall inside a secret: what is kept of it is masked too.
      this.buffer = this.maskCutSecret(this.buffer + kept);
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
    if (final) this.buffer = this.maskCutSecret(this.buffer);
    const held = final ? 0 : secretPrefixAtEnd(this.buffer, this.secrets);
    const text = this.buffer.slice(0, this.buffer.length - held);
    this.buffer = this.buffer.slice(this.buffer.length - held);
    this.bufferedBytes = Buffer.byteLength(this.buffer);
    if (text === '') return this.sending;
    const masked = maskSecrets(text, this.secrets);
    this.sending = this.sending.then(() => this.sink(masked)).catch(this.onError);
    return this.sending;
  }

  /** `text` with an end that is the start of a secret replaced by the mask. */
  private maskCutSecret(text: string): string {
    const cut = secretPrefixAtEnd(text, this.secrets);
    return cut > 0 ? `${text.slice(0, text.length - cut)}${MASK}` : text;
  }
}

/** The length of the longest end of `text` that is the start (not the whole) of a secret. */
export function secretPrefixAtEnd(text: string, secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length > longest; length -= 1) {
      if (text.endsWith(secret.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
