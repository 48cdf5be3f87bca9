import { readPackageRecord, type PackageRecord } from './parse-package-record';
import { COMMENT_OPEN, closeTagBefore, endOf, isNameEnd, isSpace, nextStartTag, quote, startsWith } from './parse-xml-bytes';
import { MalformedXmlError, decodeXmlText } from '@baton/plugin-kit';
import { parseAttributes } from './parse-xml-text';

export type { PackageRecord };

/** What a scan is told: where relative hrefs point, which names to keep, and where kept packages go. */
export interface PrimaryScanOptions {
  /** The repository's base URL, ending with `/`. */
  baseUrl: string;
  /** Every package's name, read in full or not. */
  onName?(name: string): void;
  /** Names worth reading in full; every other package is skipped after its name. */
  wanted(name: string): boolean;
  onPackage(pkg: PackageRecord): void;
  /** An entry that cannot be used (its name, when it has one, and why): skipped. */
  onSkipped(name: string, reason: string): void;
  /** The largest single item (a `<package>` entry, a comment) held while it is incomplete. */
  maxEntryBytes: number;
}

/**
 * An item larger than the scan allows: far beyond any real package's entry, so a document
 * built to make the reader hold gigabytes fails at once instead.
 */
export class EntryTooLargeError extends Error {
  constructor(
    readonly atByte: number,
    readonly maxBytes: number,
  ) {
    super(`an entry starting at byte ${atByte} is larger than ${maxBytes} bytes`);
    this.name = 'EntryTooLargeError';
  }
}

/** What a finished scan saw. */
export interface PrimaryScanSummary {
  /** Every `<package>` entry, kept or not. */
  packages: number;
  /** The root's `packages` attribute, when it is a number. */
  declared: number | null;
}

const PACKAGE_OPEN = Buffer.from('<package');
const PACKAGE_CLOSE = Buffer.from('</package>');
const METADATA_OPEN = Buffer.from('<metadata');
const METADATA_CLOSE = Buffer.from('</metadata');
const NAME_OPEN = Buffer.from('<name>');
const NAME_CLOSE = Buffer.from('</name>');
const MAX_PROLOG_BYTES = 1024 * 1024;
const MIN_PENDING_BYTES = 64 * 1024;
/** Room for the chunk that takes an item past the limit (decompressors hand out 128 KiB or less). */
const CHUNK_ALLOWANCE = 1024 * 1024;
const LT = 0x3c;

/**
 * A streaming reader of primary.xml that cuts the byte stream at `<package>` boundaries and reads
 * a package in full only when its name is wanted. Feed it decompressed chunks with `push`, then
 * call `finish`. Throws {@link MalformedXmlError} for a document that is not primary.xml-shaped.
 *
 * @example
 * ```ts
 * const scanner = new PrimaryScanner({ baseUrl, wanted: (n) => n === 'scrt', onPackage: (p) => kept.push(p), onSkipped: () => {}, maxEntryBytes: 16 << 20 });
 * for await (const chunk of xmlChunks) scanner.push(chunk);
 * scanner.finish();
 * ```
 */
export class PrimaryScanner {
  /** The unfinished tail of earlier chunks, in a buffer that grows by doubling (never quadratic copying). */
  private pending: Buffer = Buffer.alloc(0);
  private pendingLength = 0;
  /** Bytes at the start of the pending tail already searched for `</package>` without a hit. */
  private searched = 0;
  private consumed = 0;
  private state: 'prolog' | 'body' | 'done' = 'prolog';
  private packages = 0;
  private declared: number | null = null;

  constructor(private readonly options: PrimaryScanOptions) {}

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0 || this.state === 'done') return;
    const input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // The usual case scans the chunk in place and copies only its unfinished tail.
    const direct = this.pendingLength === 0;
    if (!direct) this.append(input, 0);
    const data = direct ? input : this.pending.subarray(0, this.pendingLength);
    const stop = this.scan(data, direct ? 0 : this.searched);
    this.consumed += stop;
    if (direct) this.append(input, stop);
    else this.dropPending(stop);
    this.searched = this.pendingLength;
    if (this.state === 'prolog' && this.pendingLength > MAX_PROLOG_BYTES) throw new MalformedXmlError('no <metadata> root element in the first 1 MiB');
    if (this.pendingLength > this.options.maxEntryBytes) throw new EntryTooLargeError(this.consumed, this.options.maxEntryBytes);
  }

  /** Lets go of the held tail at once: a failed scan must not keep its buffer until the next collection. */
  release(): void {
    this.pending = Buffer.alloc(0);
    this.pendingLength = 0;
    this.state = 'done';
  }

  private append(input: Buffer, from: number): void {
    const needed = this.pendingLength + input.length - from;
    if (needed > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.nextCapacity()));
      this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    this.pendingLength += input.copy(this.pending, this.pendingLength, from);
  }

  /**
   * Growth by four, so that the buffers left behind add up to a third of the last; the last is
   * the largest item allowed and a chunk's worth more, never more: past it the scan fails anyway.
   */
  private nextCapacity(): number {
    const { maxEntryBytes } = this.options;
    const grown = Math.max(this.pending.length * 4, MIN_PENDING_BYTES);
    return grown >= maxEntryBytes ? maxEntryBytes + CHUNK_ALLOWANCE : grown;
  }

  private dropPending(count: number): void {
    if (count === 0) return;
    this.pending.copyWithin(0, count, this.pendingLength);
    this.pendingLength -= count;
  }

  finish(): PrimaryScanSummary {
    if (this.state === 'prolog') throw new MalformedXmlError('the document has no <metadata> root element');
    if (this.state !== 'done') throw new MalformedXmlError(`the document ends after ${this.consumed + this.pendingLength} bytes, before </metadata>`);
    return { packages: this.packages, declared: this.declared };
  }

  /** Consumes whole items from `data`; returns where an unfinished one starts. */
  private scan(data: Buffer, searched: number): number {
    let at = 0;
    if (this.state === 'prolog') {
      at = this.prolog(data);
      if (this.state === 'prolog') return 0;
    }
    while (this.state === 'body') {
      while (isSpace(data[at])) at += 1;
      if (at >= data.length) return at;
      const next = this.bodyItem(data, at, at === 0 ? searched : 0);
      if (next < 0) return at;
      at = next;
    }
    return data.length;
  }

  /** One item between packages; -1 when it is not complete in `data`. */
  private bodyItem(data: Buffer, at: number, searched: number): number {
    if (data[at] !== LT) throw this.error(at, 'text between <package> entries');
    if (startsWith(data, at, PACKAGE_OPEN) && isNameEnd(data[at + PACKAGE_OPEN.length])) return this.packageItem(data, at, searched);
    if (startsWith(data, at, METADATA_CLOSE)) {
      this.state = 'done';
      return data.length;
    }
    if (startsWith(data, at, COMMENT_OPEN)) return endOf(data, '-->', at + COMMENT_OPEN.length);
    if (data.length - at < METADATA_CLOSE.length) return -1;
    throw this.error(at, `unexpected ${quote(data, at)} where a <package> entry was expected`);
  }

  /**
   * A whole entry from `at`, cut where the next one starts (one search per entry, which also
   * proves it closed), or at its close tag when no other entry follows yet.
   */
  private packageItem(data: Buffer, at: number, searched: number): number {
    const from = Math.max(at + PACKAGE_OPEN.length, searched - PACKAGE_CLOSE.length);
    const next = nextStartTag(data, PACKAGE_OPEN, from);
    if (next >= 0) {
      const close = closeTagBefore(data, PACKAGE_CLOSE, at, next);
      if (close < 0) throw this.unclosed(data, at, next);
      this.readPackage(data, at, close);
      return next;
    }
    const close = data.indexOf(PACKAGE_CLOSE, from);
    if (close < 0) return -1;
    this.readPackage(data, at, close);
    return close + PACKAGE_CLOSE.length;
  }

  private readPackage(data: Buffer, start: number, close: number): void {
    this.packages += 1;
    const nameAt = data.indexOf(NAME_OPEN, start);
    const nameEnd = nameAt < 0 || nameAt > close ? -1 : data.indexOf(NAME_CLOSE, nameAt);
    if (nameEnd < 0 || nameEnd > close) {
      this.options.onSkipped('', `a <package> entry at byte ${this.consumed + start} has no <name>`);
      return;
    }
    const name = decodeXmlText(data.toString('utf8', nameAt + NAME_OPEN.length, nameEnd));
    this.options.onName?.(name);
    if (!this.options.wanted(name)) return;
    const entry = readPackageRecord(data.toString('utf8', start, close), this.options.baseUrl);
    if (typeof entry === 'string') this.options.onSkipped(name, `an entry of package '${name}' was skipped: ${entry}`);
    else this.options.onPackage(entry);
  }

  /** Declaration, comments and the root's start tag; -1 would mean "wait", so the position or 0. */
  private prolog(data: Buffer): number {
    let at = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
    for (;;) {
      while (isSpace(data[at])) at += 1;
      if (data.length - at < METADATA_OPEN.length + 1) return 0;
      if (data[at] !== LT) throw this.error(at, 'this is not XML');
      const end = this.prologItem(data, at);
      if (end < 0) return 0;
      at = end;
      if (this.state === 'body') return at;
    }
  }

  private prologItem(data: Buffer, at: number): number {
    const head = data.toString('latin1', at, at + 10);
    if (head.startsWith('<!DOCTYPE')) throw new MalformedXmlError('it has a <!DOCTYPE>, which is refused (no DTD is ever read)');
    if (head.startsWith('<?')) return endOf(data, '?>', at);
    if (head.startsWith('<!--')) return endOf(data, '-->', at);
    if (!startsWith(data, at, METADATA_OPEN) || !isNameEnd(data[at + METADATA_OPEN.length])) {
      throw this.error(at, `the root element is ${quote(data, at)}, not <metadata>`);
    }
    const tagEnd = data.indexOf('>', at);
    if (tagEnd < 0) return -1;
    const packages = parseAttributes(data.toString('utf8', at + METADATA_OPEN.length, tagEnd))['packages'];
    this.declared = packages !== undefined && /^\d+$/.test(packages) ? Number(packages) : null;
    this.state = data[tagEnd - 1] === 0x2f ? 'done' : 'body';
    return tagEnd + 1;
  }

  private unclosed(data: Buffer, at: number, next: number): MalformedXmlError {
    const last = data.subarray(0, next).lastIndexOf(PACKAGE_CLOSE);
    if (last > at) return this.error(last + PACKAGE_CLOSE.length, 'text between <package> entries');
    return this.error(at, 'a <package> entry is not closed before the next one starts');
  }

  private error(at: number, what: string): MalformedXmlError {
    return new MalformedXmlError(`${what} (at byte ${this.consumed + at})`);
  }
}
