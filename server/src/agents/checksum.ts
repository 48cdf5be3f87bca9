import { TaskRefused } from './task-context';

/** A revision's `CHECKSUM`: the algorithm as node:crypto names it, and the expected digest in lower-case hex. */
export interface Checksum {
  algorithm: 'sha1' | 'sha256' | 'sha512' | 'md5';
  hex: string;
}

// `sha` is how older yum metadata names SHA-1.
const ALGORITHMS: Record<string, Checksum['algorithm']> = { sha: 'sha1', sha1: 'sha1', sha256: 'sha256', sha512: 'sha512', md5: 'md5' };
const HEX_LENGTH: Record<Checksum['algorithm'], number> = { sha1: 40, sha256: 64, sha512: 128, md5: 32 };

/** Reads `<algorithm>:<hex>`; null when there is none; TaskRefused when it cannot be checked. */
export function parseChecksum(text: string | null): Checksum | null {
  if (text === null || text.trim() === '') return null;
  const match = /^([A-Za-z0-9-]+):([0-9A-Fa-f]+)$/.exec(text.trim());
  const algorithm = match ? ALGORITHMS[match[1].toLowerCase().replace('-', '')] : undefined;
  if (!match || !algorithm) {
    throw new TaskRefused(`the revision's CHECKSUM '${text}' is not <algorithm>:<hex> with one of sha1, sha256, sha512, md5`);
  }
  const hex = match[2].toLowerCase();
  if (hex.length !== HEX_LENGTH[algorithm]) throw new TaskRefused(`the revision's CHECKSUM '${text}' does not have the length of a ${algorithm} digest`);
  return { algorithm, hex };
}

/** A revision's `INTEGRITY` (Subresource Integrity): the strongest hash it names, and its digest in base64. */
export interface Integrity {
  algorithm: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  base64: string;
}

const INTEGRITY_ALGORITHMS: Integrity['algorithm'][] = ['sha512', 'sha384', 'sha256', 'sha1'];

/**
 * Reads Subresource Integrity (`sha512-<base64>`, several separated by spaces, options after `?`
 * ignored) and keeps the strongest hash; null when there is none; TaskRefused when no entry can
 * be checked.
 *
 * @example
 * ```ts
 * parseIntegrity('sha1-abc= sha512-def=='); // { algorithm: 'sha512', base64: 'def==' }
 * ```
 */
export function parseIntegrity(text: string | null | undefined): Integrity | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const entries = text
    .trim()
    .split(/\s+/)
    .map((entry) => /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(?:\?.*)?$/i.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ algorithm: match[1].toLowerCase() as Integrity['algorithm'], base64: match[2] }));
  const strongest = INTEGRITY_ALGORITHMS.map((algorithm) => entries.find((entry) => entry.algorithm === algorithm)).find((entry) => entry !== undefined);
  if (!strongest)
    throw new TaskRefused(`the revision's INTEGRITY '${text}' names no hash that can be checked (sha512, sha384, sha256 or sha1, as <algorithm>-<base64>)`);
  return strongest;
}
