/** Checksum sidecars, strongest first, with the length of their hex digest. */
export const SIDECARS = [
  { algorithm: 'sha512', length: 128 },
  { algorithm: 'sha256', length: 64 },
  { algorithm: 'sha1', length: 40 },
] as const;

export type SidecarAlgorithm = (typeof SIDECARS)[number]['algorithm'];

/**
 * The digest in a checksum sidecar (`.sha1`, `.sha256`, …): bare hex, sometimes followed by a file
 * name; lower-cased. Null when the first word is not hex of the algorithm's length.
 *
 * @example
 * ```ts
 * parseChecksum('3F786850E387550FDAB836ED7E6DC881DE23001B  tools-1.0.jar\n', 'sha1'); // '3f786850e387550fdab836ed7e6dc881de23001b'
 * ```
 */
export function parseChecksum(text: string, algorithm: SidecarAlgorithm): string | null {
  const word = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const length = SIDECARS.find((sidecar) => sidecar.algorithm === algorithm)?.length;
  return word.length === length && /^[0-9a-f]+$/.test(word) ? word : null;
}
